// Voice prompts through the browser's speech recognition, where it exists (the microphone stays hidden
// elsewhere): a live transcript under the input, sent only once confirmed, or moved into the box to edit.
import { submitPrompt } from './composer.js';
import { errorMessage } from './format.js';
import { usePrompt } from './prompt-box.js';
import { savePrefs } from './storage.js';
import { ui } from './ui.js';

const VOICE_ERRORS = {
  'not-allowed': 'Permissão do microfone negada. (Microphone permission denied.)',
  'service-not-allowed': 'O navegador não permite reconhecimento de voz aqui. (Speech service not allowed.)',
  'no-speech': 'Nenhuma fala detectada. (No speech detected.)',
  'audio-capture': 'Nenhum microfone encontrado. (No microphone.)',
  network: 'O serviço de reconhecimento de voz não respondeu. (Speech service unreachable.)',
  'language-not-supported': 'Idioma não suportado pelo reconhecimento de voz. (Language not supported.)',
};

const voice = { Recognition: null, recognition: null, listening: false, transcript: '', failed: false };

function showPanel(status) {
  ui.voicePanel.hidden = false;
  ui.voiceState.textContent = status;
}

function setListening(listening) {
  voice.listening = listening;
  ui.mic.setAttribute('aria-pressed', listening ? 'true' : 'false');
  ui.mic.classList.toggle('listening', listening);
  ui.micLabel.textContent = listening ? 'Parar' : 'Falar';
}

/** The microphone button: starts listening, or stops (and keeps the transcript) when already listening. */
function startVoice() {
  const v = voice;
  if (!v.Recognition) return;
  if (v.listening && v.recognition) {
    v.recognition.stop();
    return;
  }
  let recognition;
  try {
    recognition = new v.Recognition();
  } catch (err) {
    showPanel(`Reconhecimento de voz indisponível: ${errorMessage(err)}`);
    return;
  }
  v.recognition = recognition;
  v.transcript = '';
  v.failed = false;
  recognition.lang = ui.voiceLang.value || 'pt-BR';
  recognition.interimResults = true;
  recognition.continuous = false;
  recognition.maxAlternatives = 1;
  ui.voiceTranscript.textContent = '';
  ui.voiceTranscript.classList.remove('final');
  ui.voiceSend.hidden = true;
  ui.voiceEdit.hidden = true;
  recognition.onresult = (event) => {
    if (v.recognition !== recognition) return;
    // Every result so far (final and interim) makes the live transcript.
    let finalText = '';
    let interim = '';
    for (let i = 0; i < event.results.length; i++) {
      const result = event.results[i];
      const text = result && result[0] && typeof result[0].transcript === 'string' ? result[0].transcript : '';
      if (result.isFinal) finalText += text;
      else interim += text;
    }
    v.transcript = `${finalText}${interim}`.trim();
    ui.voiceTranscript.textContent = v.transcript;
    ui.voiceTranscript.classList.toggle('final', !interim);
  };
  recognition.onerror = (event) => {
    if (v.recognition !== recognition) return;
    const code = event && typeof event.error === 'string' ? event.error : 'error';
    if (code === 'aborted') return;
    v.failed = true;
    showPanel(VOICE_ERRORS[code] || `Erro no reconhecimento de voz: ${code}`);
  };
  recognition.onend = () => {
    if (v.recognition !== recognition) return;
    setListening(false);
    if (v.transcript) {
      showPanel('Confira a transcrição e confirme o envio. (Check the transcript, then send.)');
      ui.voiceSend.hidden = false;
      ui.voiceEdit.hidden = false;
      ui.voiceSend.focus();
    } else if (!v.failed) {
      showPanel('Nada foi transcrito. (Nothing was transcribed.)');
    }
  };
  try {
    recognition.start();
  } catch (err) {
    showPanel(`Não foi possível ouvir: ${errorMessage(err)}`);
    return;
  }
  setListening(true);
  showPanel(`Ouvindo (${recognition.lang})… fale o prompt. (Listening.)`);
}

function discardVoice() {
  const recognition = voice.recognition;
  voice.recognition = null;
  voice.transcript = '';
  if (recognition && voice.listening) recognition.abort();
  setListening(false);
  ui.voicePanel.hidden = true;
  ui.voiceTranscript.textContent = '';
  ui.voiceState.textContent = '';
}

function sendVoice() {
  if (submitPrompt(voice.transcript)) discardVoice();
}

function editVoice() {
  const text = voice.transcript;
  discardVoice();
  usePrompt(text);
}

export function wireVoice() {
  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  // No speech recognition (Firefox, most WebViews): no microphone button at all.
  ui.voice.hidden = typeof Recognition !== 'function';
  voice.Recognition = typeof Recognition === 'function' ? Recognition : null;
  ui.mic.addEventListener('click', startVoice);
  ui.voiceLang.addEventListener('change', savePrefs);
  ui.voiceSend.addEventListener('click', sendVoice);
  ui.voiceEdit.addEventListener('click', editVoice);
  ui.voiceDiscard.addEventListener('click', discardVoice);
}
