// Portuguese or English? Counts marker words and Portuguese diacritics; a tie goes to Portuguese, the
// product's home language. The result picks the language of every message the planner writes.
import type { Language } from '../types.js';
import type { Token } from './tokens.js';

const PT = new Set([
  'o', 'os', 'as', 'um', 'uma', 'de', 'da', 'do', 'das', 'dos', 'para', 'pra', 'com', 'em', 'no', 'na', 'nos', 'nas',
  'que', 'e', 'todas', 'todos', 'meu', 'minha', 'meus', 'minhas', 'por', 'favor', 'ao', 'aos', 'sobre', 'chamado',
  'chamada', 'chamados', 'maquina', 'maquinas', 'sequencia', 'sequencias', 'detalhes', 'liste', 'listar', 'mostre',
  'busque', 'buscar', 'crie', 'criar', 'cadastre', 'adicione', 'atualize', 'altere', 'mude', 'remova', 'exclua',
  'apague', 'gere', 'escreva', 'quais', 'qual', 'disponiveis', 'novo', 'nova', 'novos', 'pontuacao', 'pontos',
  'telefone', 'desconto', 'hoje', 'ontem', 'ultimos', 'ola', 'oi', 'bom', 'boa', 'dia', 'tarde', 'noite', 'obrigado',
  'tudo', 'bem', 'voce', 'eu', 'nao', 'sim', 'cliente', 'clientes', 'assinantes', 'boas-vindas', 'nivel',
]);

const EN = new Set([
  'the', 'of', 'an', 'with', 'for', 'to', 'and', 'all', 'my', 'please', 'from', 'named', 'called', 'list', 'show',
  'get', 'find', 'search', 'create', 'add', 'update', 'change', 'set', 'remove', 'delete', 'write', 'generate',
  'draft', 'machine', 'machines', 'sequence', 'sequences', 'details', 'available', 'new', 'points', 'phone',
  'discount', 'off', 'today', 'yesterday', 'last', 'days', 'hello', 'hi', 'hey', 'thanks', 'what', 'which', 'is',
  'are', 'you', 'i', 'how', 'welcome', 'subscribers', 'customers', 'course', 'weather', 'level', 'good',
  'morning', 'this', 'that', 'it', 'can', 'does', 'give',
]);

const PT_DIACRITICS = /[ãõçáéíóúâêôà]/i;

export function detectLanguage(tokens: readonly Token[]): Language {
  let pt = 0;
  let en = 0;
  for (const token of tokens) {
    if (PT.has(token.text)) pt += 1;
    if (EN.has(token.text)) en += 1;
    // A word with a diacritic never equals its folded form, so most words skip the pattern.
    if (token.raw !== token.text && PT_DIACRITICS.test(token.raw)) pt += 2;
  }
  return en > pt ? 'en' : 'pt';
}
