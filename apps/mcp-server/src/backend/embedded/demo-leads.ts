// Deterministic demo leads: realistic Brazilian names, emails, phones, cities and companies, spread over the demo
// machines by weight. Same seed, same leads, on every machine and in every test run.
import type { DemoMachine } from './demo-catalog.js';
import { seededRandom } from './prng.js';

export interface DemoLead {
  email: string;
  name: string;
  phone: string | null;
  company: string | null;
  city: string;
  state: string;
  birthday: string | null;
  gender: 'M' | 'F';
  score: number;
  tags: string[];
  machineCode: number;
  sequenceCode: number | null;
  level: number | null;
  registrationDate: string;
}

const FEMALE = ['Ana', 'Maria', 'Juliana', 'Fernanda', 'Camila', 'Beatriz', 'Larissa', 'Patrícia', 'Aline', 'Gabriela', 'Renata', 'Letícia', 'Mariana', 'Vanessa', 'Carolina'];
const MALE = ['João', 'Pedro', 'Lucas', 'Gabriel', 'Rafael', 'Carlos', 'Bruno', 'Felipe', 'Rodrigo', 'Thiago', 'Marcelo', 'Eduardo', 'André', 'Gustavo', 'Ricardo'];
const SURNAMES = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes', 'Costa', 'Ribeiro', 'Martins', 'Carvalho', 'Almeida', 'Lopes', 'Barbosa', 'Rocha', 'Dias', 'Moreira'];
const CITIES: readonly { city: string; state: string; ddd: number }[] = [
  { city: 'São Paulo', state: 'SP', ddd: 11 },
  { city: 'Campinas', state: 'SP', ddd: 19 },
  { city: 'Rio de Janeiro', state: 'RJ', ddd: 21 },
  { city: 'Belo Horizonte', state: 'MG', ddd: 31 },
  { city: 'Curitiba', state: 'PR', ddd: 41 },
  { city: 'Porto Alegre', state: 'RS', ddd: 51 },
  { city: 'Florianópolis', state: 'SC', ddd: 48 },
  { city: 'Salvador', state: 'BA', ddd: 71 },
  { city: 'Recife', state: 'PE', ddd: 81 },
  { city: 'Fortaleza', state: 'CE', ddd: 85 },
  { city: 'Brasília', state: 'DF', ddd: 61 },
  { city: 'Goiânia', state: 'GO', ddd: 62 },
  { city: 'Manaus', state: 'AM', ddd: 92 },
  { city: 'Belém', state: 'PA', ddd: 91 },
];
const COMPANIES = ['Padaria Pão Dourado', 'Clínica Sorriso', 'Tech Nordeste', 'Agência Impulso', 'Loja Bela Moda', 'Construtora Horizonte', 'Escola Saber', 'Café Mineiro', 'Studio Fit', 'Contabilidade Exata', 'Pet Amigo', 'Imobiliária Lar Doce Lar'];
const MAIL_DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.com.br', 'uol.com.br', 'bol.com.br'];
const TAGS = ['cliente', 'prospect', 'webinar', 'ebook', 'vip', 'black-friday', 'curso-marketing', 'newsletter', 'indicação', 'instagram'];

export const DEMO_LEAD_COUNT = 60;
const DEMO_SEED = 20_251_125;
// Registration dates run over the 600 days before this fixed day, so the data does not depend on the clock.
const LAST_REGISTRATION_DAY = Date.UTC(2025, 10, 20);
const DAY_MS = 86_400_000;

/** ASCII, lower-case, for email local parts: "João" → "joao". */
function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

export function generateDemoLeads(machines: readonly DemoMachine[], count = DEMO_LEAD_COUNT): DemoLead[] {
  const random = seededRandom(DEMO_SEED);
  const byWeight = machines.flatMap((machine) => Array.from({ length: machine.weight }, () => machine));
  const usedLocals = new Set<string>();
  const leads: DemoLead[] = [];

  for (let i = 0; i < count; i++) {
    const gender = random.chance(0.5) ? 'F' : 'M';
    const first = random.pick(gender === 'F' ? FEMALE : MALE);
    const last = random.pick(SURNAMES);
    const place = random.pick(CITIES);
    const machine = random.pick(byWeight);
    const sequence = random.chance(0.9) ? random.pick(machine.sequences) : undefined;

    let local = random.pick([`${slug(first)}.${slug(last)}`, `${slug(first)}${slug(last)}`, `${slug(first)}_${slug(last)}`]);
    // Base local parts have no digits, so appending the (unique) index cannot collide with another one.
    if (usedLocals.has(local)) local = `${local}${i}`;
    usedLocals.add(local);
    const hasCompany = random.chance(0.5);
    const company = hasCompany ? random.pick(COMPANIES) : null;
    const domain = hasCompany && company ? `${slug(company)}.com.br` : random.pick(MAIL_DOMAINS);

    const tags = new Set<string>();
    for (let t = random.int(0, 3); t > 0; t--) tags.add(random.pick(TAGS));
    const registered = new Date(LAST_REGISTRATION_DAY - random.int(0, 600) * DAY_MS + random.int(8 * 3600, 22 * 3600) * 1000);
    const birthday = random.chance(0.6)
      ? `${random.int(1965, 2004)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`
      : null;

    leads.push({
      email: `${local}@${domain}`,
      name: `${first} ${last}`,
      phone: random.chance(0.85) ? `+55 ${place.ddd} 9${random.int(1000, 9999)}-${random.int(1000, 9999)}` : null,
      company,
      city: place.city,
      state: place.state,
      birthday,
      gender,
      score: random.int(0, 20) * 5,
      tags: [...tags],
      machineCode: machine.code,
      sequenceCode: sequence?.code ?? null,
      level: sequence ? random.int(1, sequence.subjects.length) : null,
      registrationDate: registered.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
  }
  return leads;
}
