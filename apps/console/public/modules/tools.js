// The tools panel: "Listar" asks the gateway for list-tools and shows each tool's name, title, description and
// input schema.
import { codeDetails, el, errorLine } from './dom.js';
import { isPlainObject, safeJson } from './format.js';
import { isOnline, session } from './session.js';
import { ui } from './ui.js';

function renderTool(tool) {
  return el(
    'li',
    null,
    el('p', { class: 'tool-name' }, el('code', { text: String(tool.name) }), typeof tool.title === 'string' ? ` — ${tool.title}` : null),
    typeof tool.description === 'string' ? el('p', { class: 'tool-desc', text: tool.description }) : null,
    tool.inputSchema ? codeDetails('Schema de entrada', 'input schema', safeJson(tool.inputSchema)) : null,
  );
}

function listTools() {
  const client = session.client;
  if (!client || !isOnline()) return;
  ui.toolsOutput.replaceChildren(el('p', { class: 'hint', text: 'Carregando… (loading)' }));
  client.listTools().then(
    (tools) => {
      const list = (Array.isArray(tools) ? tools : []).filter(isPlainObject);
      ui.toolsOutput.replaceChildren(el('p', { class: 'hint', text: `${list.length} ferramentas` }), el('ul', { class: 'tool-list' }, list.map(renderTool)));
    },
    (err) => ui.toolsOutput.replaceChildren(errorLine(err)),
  );
}

export function wireTools() {
  ui.listTools.addEventListener('click', listTools);
}
