// The Affinity dashboard: reads the JSON APIs with the key pasted in and renders models,
// queues, a recommendation preview, search and a chat playground. Plain DOM, no framework;
// every value from the API goes in as text, never as HTML.
import { $, apiKey, KEY_STORAGE, showAuthMessage, status } from './api.js';
import { loadModels } from './models-view.js';
import { newSession, recommend, search, sendMessage } from './playground-view.js';
import { loadQueues, runNightly } from './queues-view.js';

const QUEUE_REFRESH_MS = 5000;

function setupKeyForm() {
  const input = $('#api-key');
  const state = $('#key-state');
  const describe = () => (state.textContent = apiKey() ? 'a key is set' : 'no key: requests go without one');
  input.value = apiKey();
  describe();
  $('#key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (key) localStorage.setItem(KEY_STORAGE, key);
    else localStorage.removeItem(KEY_STORAGE);
    describe();
    showAuthMessage('');
    refreshAll();
  });
  $('#key-clear').addEventListener('click', () => {
    localStorage.removeItem(KEY_STORAGE);
    input.value = '';
    describe();
    refreshAll();
  });
}

function refreshAll() {
  void loadModels();
  void loadQueues();
}

setupKeyForm();
$('#models-refresh').addEventListener('click', () => void loadModels());
$('#run-nightly').addEventListener('click', () => void runNightly());
$('#recommend-form').addEventListener('submit', recommend);
$('#search-form').addEventListener('submit', search);
$('#chat-form').addEventListener('submit', sendMessage);
$('#chat-new').addEventListener('click', () => void newSession().then(() => status('chat'), (err) => status('chat', err)));
refreshAll();
setInterval(() => void loadQueues(), QUEUE_REFRESH_MS);
