// Portuguese (pt-BR) copy for each occasion, in three tones. Plain text: the layout escapes it.
import { capitalize, type CopyBook, type CopyContext, type EmailCopy, type Tone } from './copy.js';

const GREETING: Record<Tone, string> = { friendly: 'Olá!', professional: 'Prezado(a),', urgent: 'Atenção!' };
const CLOSING: Record<Tone, string> = {
  friendly: 'Um abraço,\nEquipe',
  professional: 'Atenciosamente,\nEquipe',
  urgent: 'Corra, o tempo está acabando!\nEquipe',
};

function base(context: CopyContext, copy: Omit<EmailCopy, 'greeting' | 'closing' | 'footer' | 'unsubscribe'>): EmailCopy {
  const paragraphs = [...copy.paragraphs];
  if (context.audience) paragraphs.splice(1, 0, `Preparamos esta mensagem especialmente para ${context.audience}.`);
  if (context.tone === 'urgent') paragraphs.push('Esta condição é por tempo limitado: não deixe para depois.');
  return {
    ...copy,
    subject: context.tone === 'urgent' ? `${copy.subject} — últimas horas` : copy.subject,
    paragraphs,
    greeting: GREETING[context.tone],
    closing: CLOSING[context.tone],
    footer: 'Você recebeu este email porque se cadastrou em nossa lista.',
    unsubscribe: 'Descadastrar',
  };
}

const off = (discount: string) => `${discount} OFF`;

export const COPY_PT: CopyBook = {
  welcome: (c) =>
    base(c, {
      subject: c.offer ? `Boas-vindas! Seu acesso a ${c.offer} começa agora` : 'Boas-vindas! Que bom ter você aqui',
      preheader: 'Veja o que preparamos para os seus primeiros dias com a gente.',
      headline: 'Seja muito bem-vindo(a)!',
      paragraphs: [
        `Obrigado por se juntar a nós. A partir de agora você vai receber conteúdos sobre ${c.offer ?? c.topic}.`,
        c.discount
          ? `Como presente de boas-vindas, você ganhou ${c.discount} de desconto na primeira compra.`
          : 'Nos próximos dias vamos compartilhar dicas práticas para você aproveitar tudo desde o início.',
      ],
      cta: 'Começar agora',
    }),
  blackFriday: (c) =>
    base(c, {
      subject: `Black Friday: ${c.discount ? off(c.discount) : 'ofertas imperdíveis'}${c.offer ? ` em ${c.offer}` : ''}`,
      preheader: c.discount ? `${off(c.discount)} só durante a Black Friday. Garanta o seu.` : 'Os melhores preços do ano chegaram.',
      headline: c.discount ? `Black Friday: ${off(c.discount)}` : 'Black Friday',
      paragraphs: [
        `A Black Friday chegou e ${c.offer ? `${c.offer} está` : 'nossos produtos estão'} com ${c.discount ? `${c.discount} de desconto` : 'os melhores preços do ano'}.`,
        'As vagas e os estoques são limitados, e a oferta acaba quando a Black Friday terminar.',
      ],
      cta: 'Quero aproveitar',
    }),
  sale: (c) =>
    base(c, {
      subject: c.discount ? `${c.discount} de desconto em ${c.offer ?? 'produtos selecionados'}` : `Promoção especial: ${c.offer ?? c.topic}`,
      preheader: 'Uma condição especial preparada para você.',
      headline: c.discount ? `${off(c.discount)} para você` : 'Promoção especial',
      paragraphs: [
        `Separamos uma condição especial${c.offer ? ` em ${c.offer}` : ''}${c.discount ? `: ${c.discount} de desconto` : ''}.`,
        'Aproveite enquanto a promoção estiver no ar.',
      ],
      cta: 'Ver a promoção',
    }),
  launch: (c) =>
    base(c, {
      subject: `Chegou: ${c.offer ?? capitalize(c.topic)}`,
      preheader: 'Seja um dos primeiros a conhecer a novidade.',
      headline: c.offer ? `Apresentamos: ${c.offer}` : 'Novidade no ar',
      paragraphs: [
        `Temos uma novidade que estávamos ansiosos para contar: ${c.offer ?? c.topic}.`,
        c.discount
          ? `Para comemorar o lançamento, os primeiros inscritos ganham ${c.discount} de desconto.`
          : 'Quem chega primeiro aproveita as condições de lançamento.',
      ],
      cta: 'Conhecer a novidade',
    }),
  newsletter: (c) =>
    base(c, {
      subject: `Novidades: ${capitalize(c.topic)}`,
      preheader: 'O resumo do que importa, em poucos minutos de leitura.',
      headline: 'As novidades que você não pode perder',
      paragraphs: [
        `Nesta edição reunimos o que há de mais relevante sobre ${c.topic}.`,
        c.offer ? `E ainda: ${c.offer}${c.discount ? ` com ${c.discount} de desconto` : ''}.` : 'Boa leitura!',
      ],
      cta: 'Ler a edição completa',
    }),
  general: (c) =>
    base(c, {
      subject: capitalize(c.offer ? `${c.topic}: ${c.offer}` : c.topic),
      preheader: 'Uma mensagem rápida com algo que pode interessar a você.',
      headline: capitalize(c.topic),
      paragraphs: [
        `Queremos falar com você sobre ${c.topic}.`,
        c.offer
          ? `Conheça ${c.offer}${c.discount ? `, agora com ${c.discount} de desconto` : ''}.`
          : 'Clique no botão abaixo para saber mais.',
      ],
      cta: 'Saiba mais',
    }),
};
