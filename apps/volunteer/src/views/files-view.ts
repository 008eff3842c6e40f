// The second screen: choose or drop files, see what each holds (or why it cannot be used), remove files,
// optionally pick a display name, and start training.
import { ACCEPT_ATTRIBUTE, MAX_FILE_BYTES } from '../files/file-limits.js';
import type { FileList } from '../files/file-list.js';
import { formatBytes, formatInteger, plural } from '../format/format.js';
import { h, ICONS, icon, setChildren, setText } from './dom.js';
import { fileCard } from './file-card.js';

export interface FilesViewActions {
  onAdd(files: File[]): void;
  onRemove(id: string): void;
  onStart(displayName: string): void;
  onBack(): void;
}

export interface FilesView {
  element: HTMLElement;
  render(list: FileList): void;
  /** null once the tokenizer is ready, else why it could not load (no file can be checked then). */
  setTokenizerState(error: string | null): void;
}

export function createFilesView(actions: FilesViewActions): FilesView {
  const input = h('input', { type: 'file', id: 'file-input', multiple: true, accept: ACCEPT_ATTRIBUTE, class: 'visually-hidden', 'aria-describedby': 'file-help' });
  input.addEventListener('change', () => {
    if (input.files !== null && input.files.length > 0) actions.onAdd([...input.files]);
    input.value = ''; // the same file can be chosen again after removing it
  });
  const drop = h('label', { class: 'dropzone', for: 'file-input' }, [
    icon(ICONS.upload, 'icon dropzone-icon'),
    h('span', { class: 'dropzone-title' }, ['Drop files here or ', h('span', { class: 'link' }, ['choose files'])]),
    h('span', { class: 'dropzone-hint', id: 'file-help' }, [`.txt, .md, .jsonl or .csv (columns mr,ref) · up to ${formatBytes(MAX_FILE_BYTES)} each`]),
  ]);
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('dropzone-over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dropzone-over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('dropzone-over');
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0) actions.onAdd(files);
  });

  const list = h('ul', { class: 'file-list', id: 'file-list', 'aria-label': 'Chosen files' });
  const summary = h('p', { class: 'files-summary', id: 'files-summary', 'aria-live': 'polite' });
  const tokenizerNote = h('p', { class: 'muted small' }, ['Loading the GPT-2 tokenizer to count tokens…']);
  const nameInput = h('input', { id: 'display-name', type: 'text', maxlength: 40, autocomplete: 'nickname', placeholder: 'Shown to the organiser', class: 'input' });
  const back = h('button', { class: 'btn btn-quiet', type: 'button' }, ['Back']);
  back.addEventListener('click', actions.onBack);
  const start = h('button', { class: 'btn btn-primary btn-large', type: 'button', id: 'start-button', disabled: true, 'aria-describedby': 'files-summary' }, [
    'Start training', icon(ICONS.send),
  ]);
  start.addEventListener('click', () => {
    start.disabled = true;
    actions.onStart(nameInput.value.trim());
  });

  const element = h('div', { class: 'stack' }, [
    h('section', { class: 'card', 'aria-labelledby': 'files-title' }, [
      h('div', { class: 'card-header' }, [
        h('div', {}, [
          h('h2', { class: 'card-title', id: 'files-title', tabindex: -1 }, ['Choose your training files']),
          h('p', { class: 'card-description' }, [
            'Plain text or Markdown, JSONL with {"text"} or {"context","completion"} per line, or an E2E-style CSV with mr,ref columns. ',
            'Each file is opened here, in this tab, and never uploaded.',
          ]),
        ]),
      ]),
      h('div', { class: 'card-body stack-small' }, [input, drop, tokenizerNote, list]),
    ]),
    h('section', { class: 'card', 'aria-label': 'Start training' }, [
      h('div', { class: 'card-body start-row' }, [
        h('div', { class: 'field' }, [
          h('label', { for: 'display-name' }, ['Display name ', h('span', { class: 'muted' }, ['(optional)'])]),
          nameInput,
        ]),
        summary,
        h('div', { class: 'actions' }, [back, start]),
      ]),
    ]),
  ]);

  return {
    element,
    render(files) {
      setChildren(list, files.all().map((entry) => fileCard(entry, actions.onRemove)));
      const t = files.totals();
      start.disabled = !files.canStart();
      let text: string;
      if (files.all().length === 0) text = 'Add at least one file to start.';
      else if (t.reading > 0) text = `Reading ${plural(t.reading, 'file')}…`;
      else if (t.ready === 0) text = 'None of these files can be used — see the reasons above.';
      else {
        text = `${plural(t.ready, 'file')} ready: ${plural(t.examples, 'training example')}, ${formatInteger(t.tokens)} tokens to learn.`;
        if (t.refused > 0) text += ` ${plural(t.refused, 'file')} will not be used.`;
      }
      setText(summary, text);
    },
    setTokenizerState(error) {
      tokenizerNote.hidden = error === null;
      if (error !== null) {
        tokenizerNote.className = 'banner banner-bad';
        tokenizerNote.setAttribute('role', 'alert');
        setText(tokenizerNote, `Files cannot be checked: ${error}. Reload the page to try again.`);
      }
    },
  };
}
