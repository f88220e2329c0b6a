// Sending prompts: the example chips, the prompt form (Enter sends, Shift+Enter breaks the line) and
// submitPrompt, which sends through the SDK with progress and cancel and renders the entry in the chat.
import { addPromptEntry, handleProgress, showRequestError, showResponse } from './chat.js';
import { el } from './dom.js';
import { newId } from './format.js';
import { MAX_PROMPT_LENGTH, promptNotice, updatePromptCount, usePrompt } from './prompt-box.js';
import { canSend, session } from './session.js';
import { cancelSuggestions, handleSuggestionKey, scheduleSuggestions, wireSuggestions } from './suggestions.js';
import { ui } from './ui.js';

const EXAMPLES = [
  'Liste todas as máquinas disponíveis',
  'Busque leads da máquina 12345',
  'Crie um lead chamado Carlos Silva, email carlos@empresa.com, telefone 11987654321, na máquina 12345',
  'Detalhes da máquina 12345',
  'Liste sequências da máquina 12345',
  'Crie um email de Black Friday com 50% de desconto para curso de marketing',
];

/** Sends `text` through the SDK and renders its entry; false (with a notice) when it cannot be sent. */
export function submitPrompt(text) {
  const prompt = String(text || '').trim();
  if (!prompt) {
    promptNotice('Digite um prompt. (Type a prompt.)');
    return false;
  }
  if (prompt.length > MAX_PROMPT_LENGTH) {
    promptNotice(`O prompt tem mais de ${MAX_PROMPT_LENGTH} caracteres.`);
    return false;
  }
  if (!canSend()) {
    promptNotice('Não conectado: conecte-se primeiro. (Not connected.)');
    return false;
  }
  promptNotice('');
  const client = session.client;
  const requestId = newId();
  const controller = new window.AbortController();
  const entry = addPromptEntry(prompt, requestId, controller);
  if (client.state !== 'connected') {
    entry.note.textContent = 'Na fila: será enviado quando a conexão voltar. (Queued until the connection is back.)';
  }
  client
    .sendPrompt(prompt, {
      requestId,
      conversationId: session.conversationId,
      signal: controller.signal,
      throwOnError: false,
      onProgress: (progress) => handleProgress(entry, progress),
    })
    .then(
      (response) => showResponse(entry, response),
      (err) => showRequestError(entry, err),
    );
  return true;
}

function sendFromInput() {
  if (submitPrompt(ui.prompt.value)) {
    ui.prompt.value = '';
    updatePromptCount();
    cancelSuggestions();
  }
}

/** Keys of the prompt box: suggestion navigation first, then Enter to send. */
function onPromptKeydown(event) {
  if (handleSuggestionKey(event)) return;
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey) {
    event.preventDefault();
    sendFromInput();
  }
}

export function wireComposer() {
  updatePromptCount();
  for (const text of EXAMPLES) ui.chips.append(el('button', { type: 'button', class: 'chip-btn', onclick: () => usePrompt(text), text }));
  wireSuggestions((text) => {
    usePrompt(text); // cancels the suggestions: an answer still on its way is for the old text
    ui.prompt.setSelectionRange(text.length, text.length);
  });
  ui.promptForm.addEventListener('submit', (event) => {
    event.preventDefault();
    sendFromInput();
  });
  ui.prompt.addEventListener('keydown', onPromptKeydown);
  ui.prompt.addEventListener('input', () => {
    updatePromptCount();
    if (ui.promptNotice.textContent) promptNotice('');
    scheduleSuggestions();
  });
  ui.prompt.addEventListener('blur', cancelSuggestions);
}
