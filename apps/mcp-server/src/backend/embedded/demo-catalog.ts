// The demo account's machines, their email sequences and each sequence's levels (email subjects). Every account
// gets this same catalog the first time it is used. Machine 12345 is the one the product docs' prompts name.
export interface DemoSequence {
  code: number;
  name: string;
  subjects: readonly string[];
}

export interface DemoMachine {
  code: number;
  name: string;
  type: string;
  views: number;
  /** Relative share of the demo leads that land in this machine. */
  weight: number;
  sequences: readonly DemoSequence[];
}

export const DEMO_MACHINES: readonly DemoMachine[] = [
  {
    code: 12345,
    name: 'Máquina de Boas-vindas',
    type: 'Email',
    views: 4820,
    weight: 4,
    sequences: [
      {
        code: 1201,
        name: 'Boas-vindas — novos assinantes',
        subjects: [
          'Bem-vindo(a)! Aqui está o que vem por aí',
          'Seu primeiro passo com a gente',
          'Conteúdo exclusivo para você começar',
          'Conheça nossa comunidade',
        ],
      },
      {
        code: 1202,
        name: 'Reengajamento de inativos',
        subjects: ['Sentimos sua falta', 'Uma novidade que você perdeu', 'Último aviso: ainda quer receber nossos emails?'],
      },
    ],
  },
  {
    code: 23456,
    name: 'Lançamento — Curso de Marketing Digital',
    type: 'Lançamento',
    views: 12950,
    weight: 3,
    sequences: [
      {
        code: 2301,
        name: 'Aquecimento do lançamento',
        subjects: [
          'Aula 1: o mapa do marketing digital',
          'Aula 2: como atrair os clientes certos',
          'Aula 3: transformando leads em vendas',
          'Carrinho aberto: sua vaga no curso',
          'Últimas horas com bônus de lançamento',
        ],
      },
      {
        code: 2302,
        name: 'Pós-compra — onboarding de alunos',
        subjects: ['Seu acesso ao curso chegou', 'Comece pelo módulo 1', 'Dicas para aproveitar o curso ao máximo'],
      },
      {
        code: 2303,
        name: 'Recuperação de carrinho',
        subjects: ['Você esqueceu algo no carrinho', 'Ficou alguma dúvida?', 'Sua vaga expira hoje'],
      },
    ],
  },
  {
    code: 34567,
    name: 'Black Friday 2025',
    type: 'Promoção',
    views: 8730,
    weight: 2,
    sequences: [
      {
        code: 3401,
        name: 'Esquenta Black Friday',
        subjects: [
          'A Black Friday está chegando: prepare sua lista',
          'Acesso antecipado para você',
          'Começou: até 50% de desconto',
          'Últimas horas de Black Friday',
        ],
      },
      {
        code: 3402,
        name: 'Cyber Monday',
        subjects: ['Cyber Monday: a segunda chance', 'Só hoje: ofertas relâmpago', 'Encerramos à meia-noite'],
      },
    ],
  },
  {
    code: 45678,
    name: 'Nutrição de Leads B2B',
    type: 'Email',
    views: 2310,
    weight: 2,
    sequences: [
      {
        code: 4501,
        name: 'Nutrição — gestores de marketing',
        subjects: [
          'Como medir o ROI das suas campanhas',
          'Estudo de caso: +38% de conversão em 90 dias',
          'Checklist de automação de marketing',
          'Vamos conversar sobre seus resultados?',
        ],
      },
      {
        code: 4502,
        name: 'Newsletter mensal',
        subjects: ['Novidades do mês em marketing digital', 'As 5 tendências que estão mudando o mercado', 'Ferramentas que recomendamos'],
      },
    ],
  },
];
