// Entry point of the admin page: sign in with the admin token, then show the dashboard; sign out returns here.
import '@splitlora/web-kit/base.css';
import './styles.css';
import { forgetToken, queryWithoutToken, readToken, saveToken, tokenFromQuery } from './auth/token-store.js';
import { mountDashboard, type Dashboard } from './dashboard.js';
import { openSession, type Session } from './session.js';
import { createSignInView } from './views/sign-in-view.js';

const root = document.getElementById('app');
if (root === null) throw new Error('admin page: expected an element with id "app" in index.html, found none');

let session: Session | null = null;
let dashboard: Dashboard | null = null;
const signIn = createSignInView(signInWith);

function showSignIn(): void {
  dashboard?.destroy();
  dashboard = null;
  root?.replaceChildren(signIn.element);
  document.title = 'Sign in · SplitLoRA Admin';
  signIn.focus();
}

function endSession(): void {
  session?.close();
  session = null;
  forgetToken(sessionStorage);
}

function signInWith(token: string): void {
  session?.close();
  signIn.setBusy(true, 'Connecting…');
  session = openSession(token, {
    onSnapshot(snapshot, socket) {
      saveToken(sessionStorage, token);
      if (dashboard === null) {
        dashboard = mountDashboard({ socket, onSignOut: signOut, onRefused: refuse });
        root?.replaceChildren(dashboard.element);
        document.title = 'SplitLoRA Admin';
        signIn.setBusy(false, '');
      }
      dashboard.setConnection('online', 'Live');
      dashboard.load(snapshot);
    },
    onRefused: refuse,
    onStatus(tone, text) {
      if (dashboard !== null) {
        dashboard.setConnection(tone, text);
      } else {
        signIn.showStatus(text);
        if (tone === 'offline') signIn.setBusy(false);
      }
    },
  });
}

function refuse(message: string): void {
  endSession();
  showSignIn();
  signIn.setBusy(false, '');
  signIn.showError(message);
}

function signOut(): void {
  endSession();
  signIn.setToken('');
  showSignIn();
  signIn.showStatus('Signed out.');
}

// A ?token= link prefills the form and signs in; the token is then removed from the address bar and history.
const linkToken = tokenFromQuery(location.search);
if (linkToken !== null) history.replaceState(null, '', `${location.pathname}${queryWithoutToken(location.search)}${location.hash}`);
const token = linkToken ?? readToken(sessionStorage);
showSignIn();
if (token !== null) {
  signIn.setToken(token);
  signInWith(token);
}
