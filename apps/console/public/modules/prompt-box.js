// The prompt box itself: its character count, the notice line under it, and usePrompt, the one way text from
// elsewhere (an example, a history entry, a suggestion, a transcript) is put into it.
import { cancelSuggestions } from './suggestions.js';
import { ui } from './ui.js';

export const MAX_PROMPT_LENGTH = 4000;

export function promptNotice(text) {
  ui.promptNotice.textContent = text;
}

export function updatePromptCount() {
  ui.promptCount.textContent = `${ui.prompt.value.length}/${MAX_PROMPT_LENGTH}`;
}

export function usePrompt(text) {
  ui.prompt.value = text;
  updatePromptCount();
  promptNotice('');
  cancelSuggestions(); // an answer still on its way is for the old text
  ui.prompt.focus();
}
