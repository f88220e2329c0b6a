// The planner's vocabulary, Portuguese and English, folded (lowercase, no accents). Every word list the
// extractors and the intent classifier match against lives here, so adding a synonym is a one-line change.
const words = (...list: string[]): ReadonlySet<string> => new Set(list);

export const VERBS = {
  list: words(
    'liste', 'listar', 'lista', 'listem', 'mostre', 'mostrar', 'mostra', 'mostrem', 'exiba', 'exibir', 'exibe',
    'busque', 'buscar', 'busca', 'procure', 'procurar', 'procura', 'encontre', 'encontrar', 'pesquise', 'pesquisar',
    'consulte', 'consultar', 'quais', 'qual', 'quantos', 'quantas', 'ver', 'veja', 'traga', 'trazer', 'obter',
    'obtenha', 'retorne', 'retornar', 'puxe', 'puxar', 'confira', 'conferir', 'verifique', 'verificar',
    'list', 'show', 'get', 'find', 'search', 'display', 'fetch', 'what', 'which', 'see', 'view', 'retrieve',
    'lookup', 'look', 'check', 'how',
  ),
  create: words(
    'crie', 'criar', 'cria', 'cadastre', 'cadastrar', 'cadastra', 'registre', 'registrar', 'novo', 'nova',
    'create', 'register', 'new', 'signup',
  ),
  // "Add" verbs create a lead, but "adicione 10 pontos ao lead x" updates one: the object decides.
  add: words(
    'adicione', 'adicionar', 'adiciona', 'acrescente', 'acrescentar', 'inclua', 'incluir', 'inclui', 'insira',
    'inserir', 'coloque', 'colocar', 'add', 'insert', 'put', 'give', 'include',
  ),
  update: words(
    'atualize', 'atualizar', 'atualiza', 'altere', 'alterar', 'altera', 'mude', 'mudar', 'muda', 'edite', 'editar',
    'edita', 'modifique', 'modificar', 'troque', 'trocar', 'defina', 'definir', 'ajuste', 'ajustar', 'aumente',
    'aumentar', 'diminua', 'diminuir', 'renomeie', 'renomear', 'corrija', 'corrigir',
    'update', 'change', 'edit', 'modify', 'set', 'increase', 'decrease', 'adjust', 'rename', 'correct', 'raise',
    'lower', 'bump',
  ),
  delete: words(
    'remova', 'remover', 'remove', 'exclua', 'excluir', 'exclui', 'delete', 'deletar', 'deleta', 'apague',
    'apagar', 'apaga', 'tire', 'tirar', 'tira', 'retire', 'retirar', 'descadastre', 'descadastrar', 'elimine',
    'eliminar', 'erase', 'unsubscribe', 'drop', 'subtraia', 'subtrair', 'reduza', 'reduzir', 'subtract',
    'deduct', 'reduce',
  ),
  write: words(
    'gere', 'gerar', 'gera', 'escreva', 'escrever', 'escreve', 'redija', 'redigir', 'elabore', 'elaborar',
    'componha', 'compor', 'write', 'generate', 'draft', 'compose',
  ),
  // "Faça um email" writes one, "faça uma lista das máquinas" lists: these follow their object.
  make: words(
    'faca', 'fazer', 'faz', 'monte', 'montar', 'prepare', 'preparar', 'produza', 'produzir', 'make', 'produce',
  ),
} as const;

export const DETAIL_WORDS = words(
  'detalhes', 'detalhe', 'detalhar', 'detalhada', 'detalhado', 'informacoes', 'informacao', 'info', 'infos',
  'descreva', 'details', 'detail', 'detailed', 'information', 'describe', 'dados', 'overview', 'resumo',
);

export const NOUNS = {
  lead: words('lead', 'leads', 'contato', 'contatos', 'contact', 'contacts'),
  // People who are leads in a CRM prompt, but an audience in an email prompt ("email para novos assinantes").
  people: words(
    'cliente', 'clientes', 'assinante', 'assinantes', 'inscrito', 'inscritos', 'customer', 'customers',
    'subscriber', 'subscribers',
  ),
  machine: words('maquina', 'maquinas', 'machine', 'machines', 'maq', 'machinecode'),
  sequence: words(
    'sequencia', 'sequencias', 'sequence', 'sequences', 'seq', 'funil', 'funis', 'funnel', 'funnels', 'sequencecode',
  ),
  level: words('nivel', 'niveis', 'level', 'levels', 'etapa', 'etapas', 'levelcode'),
  content: words(
    'email', 'e-mail', 'emails', 'e-mails', 'mail', 'newsletter', 'newsletters', 'campanha', 'campanhas', 'campaign',
    'campaigns', 'mensagem', 'mensagens', 'message',
  ),
  score: words('score', 'scores', 'pontuacao', 'pontuacoes', 'pontos', 'ponto', 'points', 'point', 'pts', 'scoring'),
  tag: words('tag', 'tags', 'etiqueta', 'etiquetas', 'tagged', 'marcador', 'marcadores', 'label', 'labels'),
  field: words(
    'nome', 'telefone', 'fone', 'celular', 'whatsapp', 'cidade', 'empresa', 'companhia', 'estado', 'uf',
    'aniversario', 'nascimento', 'sexo', 'genero', 'name', 'phone', 'mobile', 'city', 'company', 'state',
    'birthday', 'gender',
  ),
} as const;

/** Words that open a value of another kind, so a name, city or topic collected word by word stops there. */
export const STOP_WORDS = words(
  'com', 'with', 'e', 'and', 'na', 'no', 'nas', 'nos', 'em', 'in', 'at', 'on', 'para', 'pra', 'for', 'to', 'que',
  'who', 'whose', 'which', 'of', 'from', 'ao', 'aos', 'a', 'o', 'as', 'os', 'um', 'uma', 'the', 'an', 'by', 'por',
  'mas', 'but', 'ou', 'or', 'se', 'if', 'is', 'are', 'esta', 'este', 'this', 'that', 'please', 'favor', 'pf',
  'telefone', 'tel', 'fone', 'celular', 'whatsapp', 'phone', 'mobile', 'email', 'e-mail', 'score', 'pontuacao',
  'pontos', 'points', 'tag', 'tags', 'cidade', 'city', 'empresa', 'company', 'estado', 'state', 'nome', 'name',
  'sexo', 'genero', 'gender', 'aniversario', 'nascimento', 'birthday', 'lead', 'leads', 'maquina', 'machine',
  'sequencia', 'sequence', 'nivel', 'level', 'codigo', 'code', 'desconto', 'discount', 'off', 'sobre', 'about',
  'tom', 'tone', 'idioma', 'language', 'mora', 'lives', 'chamado', 'chamada', 'named', 'called', 'hoje', 'today',
  'ontem', 'yesterday', 'desde', 'since', 'ate', 'until', 'entre', 'between', 'pagina', 'page',
);

/** Lowercase connectors allowed inside a multi-word value ("Maria da Silva", "curso de marketing"). */
export const PARTICLES = words('da', 'de', 'do', 'das', 'dos', 'di', 'du', 'del', 'della', 'van', 'von', 'der', 'la', 'le');

export const ARTICLES = words(
  'o', 'a', 'os', 'as', 'um', 'uma', 'uns', 'umas', 'the', 'an', 'nosso', 'nossa', 'nossos', 'nossas', 'our', 'meu',
  'minha', 'meus', 'minhas', 'my', 'seu', 'sua', 'your', 'all', 'todos', 'todas',
);

export const ALL_WORDS = words('todos', 'todas', 'tudo', 'all', 'every', 'cada');

const ANY_VERB: ReadonlySet<string> = new Set(Object.values(VERBS).flatMap((set) => [...set]));

export function isVerb(word: string): boolean {
  return ANY_VERB.has(word);
}
