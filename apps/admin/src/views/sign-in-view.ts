// The sign-in screen: asks for the admin token and says clearly when the server refused it or cannot be reached.
import { h } from './dom.js';

export interface SignInView {
  element: HTMLElement;
  setToken(token: string): void;
  setBusy(busy: boolean, status?: string): void;
  /** A problem the user must act on (wrong token): shown as an alert next to the field. */
  showError(message: string): void;
  /** Progress or a transient problem (server unreachable, retrying). */
  showStatus(message: string): void;
  focus(): void;
}

export function createSignInView(onSubmit: (token: string) => void): SignInView {
  const input = h('input', {
    id: 'admin-token', name: 'token', type: 'password', autocomplete: 'current-password', required: true,
    spellcheck: 'false', 'aria-describedby': 'admin-token-help admin-token-error',
  });
  const showToggle = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-controls': 'admin-token', 'aria-pressed': 'false' }, ['Show']);
  const error = h('p', { id: 'admin-token-error', class: 'field-error', role: 'alert' });
  const status = h('p', { class: 'sign-in-status', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, ['Sign in']);

  const form = h('form', { class: 'sign-in-form', novalidate: true }, [
    h('div', { class: 'field' }, [
      h('label', { for: 'admin-token' }, ['Admin token']),
      h('div', { class: 'input-with-action' }, [input, showToggle]),
      h('p', { id: 'admin-token-help', class: 'field-help' }, ['The server prints it at start-up (or reads it from SPLITLORA_ADMIN_TOKEN).']),
      error,
    ]),
    submit,
    status,
  ]);

  const element = h('main', { class: 'sign-in' }, [
    h('div', { class: 'sign-in-card card' }, [
      h('div', { class: 'brand brand-large' }, [h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'SplitLoRA']),
      h('h1', { class: 'sign-in-title' }, ['Admin dashboard']),
      h('p', { class: 'muted' }, ['Configure and watch split federated LoRA fine-tuning runs. Sign in with the admin token.']),
      form,
    ]),
  ]);

  showToggle.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    showToggle.textContent = show ? 'Hide' : 'Show';
    showToggle.setAttribute('aria-pressed', String(show));
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token === '') {
      view.showError('Enter the admin token.');
      input.focus();
      return;
    }
    onSubmit(token);
  });

  const view: SignInView = {
    element,
    setToken(token) {
      input.value = token;
    },
    setBusy(busy, message) {
      submit.disabled = busy;
      submit.textContent = busy ? 'Signing in…' : 'Sign in';
      if (busy) view.showError('');
      if (message !== undefined) status.textContent = message;
    },
    showError(message) {
      error.textContent = message;
      input.setAttribute('aria-invalid', message === '' ? 'false' : 'true');
      if (message !== '') status.textContent = '';
    },
    showStatus(message) {
      status.textContent = message;
    },
    focus() {
      input.focus();
    },
  };
  return view;
}
