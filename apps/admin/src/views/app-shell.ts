// The signed-in page frame: header (brand, server, connection status, sign out), two columns, and a notice area.
import type { ServerInfo } from '../state/dashboard-state.js';
import { serverDeviceLabel } from '../state/server-device.js';
import { h } from './dom.js';

export type ConnectionTone = 'online' | 'connecting' | 'offline';

export interface AppShell {
  element: HTMLElement;
  side: HTMLElement;
  main: HTMLElement;
  setConnection(tone: ConnectionTone, text: string): void;
  setServer(server: ServerInfo | null): void;
  /** A short-lived notice (e.g. a protocol:error from the server). */
  notify(message: string, tone?: 'info' | 'error'): void;
}

const TONE_LABEL: Record<ConnectionTone, string> = { online: 'Live', connecting: 'Connecting', offline: 'Offline' };

export function createAppShell(onSignOut: () => void): AppShell {
  const connection = h('span', { class: 'conn conn-connecting' }, ['Connecting']);
  const banner = h('div', { class: 'conn-banner', role: 'status', 'aria-live': 'polite' });
  const server = h('span', { class: 'header-meta' });
  const signOut = h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, ['Sign out']);
  signOut.addEventListener('click', onSignOut);

  const side = h('div', { class: 'col col-side' });
  const main = h('div', { class: 'col col-main' });
  const notices = h('div', { class: 'notices', role: 'region', 'aria-label': 'Notifications', 'aria-live': 'assertive' });

  const element = h('div', { class: 'app' }, [
    h('header', { class: 'topbar' }, [
      h('div', { class: 'topbar-inner' }, [
        h('div', { class: 'brand' }, [h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'SplitLoRA', h('span', { class: 'brand-sub' }, ['Admin'])]),
        h('div', { class: 'topbar-right' }, [server, connection, signOut]),
      ]),
    ]),
    h('div', { class: 'banner-wrap' }, [banner]),
    h('main', { class: 'layout' }, [side, main]),
    notices,
  ]);

  return {
    element,
    side,
    main,
    setConnection(tone, text) {
      connection.className = `conn conn-${tone}`;
      connection.textContent = TONE_LABEL[tone];
      connection.title = text;
      // The details (why offline, retrying) go to a banner; screen readers hear every change of it.
      banner.textContent = tone === 'online' ? '' : text;
      banner.className = `conn-banner conn-banner-${tone}`;
    },
    setServer(info) {
      const device = info === null ? null : serverDeviceLabel(info.backend, info.device);
      server.textContent = info === null ? '' : `protocol v${info.protocolVersion} · ${device!.text}`;
      server.title = device?.title ?? '';
    },
    notify(message, tone = 'info') {
      const close = h('button', { type: 'button', class: 'notice-close', 'aria-label': 'Dismiss' }, ['×']);
      const notice = h('div', { class: `notice notice-${tone}` }, [h('span', {}, [message]), close]);
      close.addEventListener('click', () => notice.remove());
      notices.append(notice);
      setTimeout(() => notice.remove(), 8000);
    },
  };
}
