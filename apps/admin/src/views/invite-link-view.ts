// The run card's invite link (runs that take volunteers by invitation): the link to share, selectable, and a Copy
// button. Kept outside the card's re-rendered content so a click or a selection survives the live updates.
import { h } from './dom.js';

export interface InviteLinkView {
  element: HTMLElement;
  /** The run's invite token, or null (the block hides). */
  update(invite: string | null): void;
}

/** The volunteer page's address with the invite, from the dashboard's own origin (/admin/ is served by the same server). */
export function inviteLink(origin: string, invite: string): string {
  return `${origin}/?invite=${encodeURIComponent(invite)}`;
}

export function createInviteLinkView(origin: string): InviteLinkView {
  const input = h('input', { type: 'text', readonly: true, class: 'invite-link-input', id: 'invite-link', 'aria-label': 'Invite link for volunteers' });
  const status = h('span', { class: 'invite-link-status muted', role: 'status', 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', class: 'btn btn-small' }, ['Copy']);
  copy.addEventListener('click', () => {
    input.select();
    const done = (text: string) => { status.textContent = text; };
    navigator.clipboard?.writeText(input.value).then(() => done('Copied.'), () => done('Select the link and copy it.'))
      ?? done('Select the link and copy it.');
  });
  const element = h('div', { class: 'invite-link', hidden: true }, [
    h('label', { for: 'invite-link', class: 'invite-link-label' }, ['Invite link']),
    h('div', { class: 'invite-link-row' }, [input, copy]),
    h('p', { class: 'muted invite-link-help' }, [
      'This run takes volunteers by invitation: only pages opened from this link can join. Anyone with the link can, so share it only with the people you invite. ', status,
    ]),
  ]);
  let shown: string | null = null;
  return {
    element,
    update(invite) {
      if (invite === shown) return;
      shown = invite;
      element.hidden = invite === null;
      input.value = invite === null ? '' : inviteLink(origin, invite);
      status.textContent = '';
    },
  };
}
