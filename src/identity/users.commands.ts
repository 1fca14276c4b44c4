import type { Command } from 'commander';
import { Catalogue } from '../catalogue/catalogue';
import { type LedgerConfig, loadConfig } from '../config/ledger-config';
import { openCheckedLedger } from '../audit/start-check';
import type { EventStore } from '../store/event-store.port';
import { addUser, disableUser, readUser, resetPassword } from './bootstrap';
import { CredentialStore, openCredentialStore } from './credentials';
import { COUNTRY, isRole, ROLES } from './rights';
import { USER_ID } from './user.state';

async function withStores<T>(config: LedgerConfig, work: (store: EventStore, credentials: CredentialStore, catalogue: Catalogue) => Promise<T>): Promise<T> {
  // Account events are recorded: the ledger is opened as its writer, checked as the server checks it at start.
  const { store } = await openCheckedLedger(config, { warn: (m) => console.error(`warning: ${m}`), error: (m) => console.error(m) });
  let credentials: CredentialStore;
  try {
    credentials = await openCredentialStore(config);
  } catch (error) {
    await store.close();
    throw error;
  }
  try {
    return await work(store, credentials, Catalogue.load(config.catalogueDir));
  } finally {
    await credentials.close();
    await store.close();
  }
}

/** `ledger users add`: a user with one grant and a one-time password, printed once. The first administrator is made so. */
export async function runAddUser(config: LedgerConfig, userId: string, opts: { name: string; role: string; scope: string }): Promise<string> {
  if (!USER_ID.test(userId)) throw new Error('the user id must be 2-64 characters: lower-case letters without diacritics, digits, . _ @ -');
  if (!isRole(opts.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  return withStores(config, (store, credentials, catalogue) =>
    addUser(store, credentials, catalogue, { userId, displayName: opts.name, grants: [{ role: opts.role as never, scope: opts.scope }] }),
  );
}

/** Adds `ledger users add|reset-password|disable|show`: account work at the server's console. */
export function registerUserCommands(program: Command): void {
  const users = program
    .command('users')
    .description('accounts, at the server’s console (recorded as console:<os user>@<host>); over HTTP an administrator uses /commands/users');

  users
    .command('add')
    .description('create a user with a role for a scope; prints a one-time password, to be changed at the first sign-in')
    .argument('<userId>', 'what the user types to sign in: a-z, 0-9, . _ @ -')
    .requiredOption('--name <name>', 'display name, e.g. "Nguyễn Văn An (quản trị)"')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--scope <scope>', `a unit code (that unit and everything under it), or ${COUNTRY} for the whole country`, COUNTRY)
    .action(async (userId: string, opts: { name: string; role: string; scope: string }) => {
      const password = await runAddUser(loadConfig(), userId, opts);
      console.log(`user ${userId} created: ${opts.role} for ${opts.scope}`);
      console.log(`one-time password (shown once; to be changed at the first sign-in): ${password}`);
    });

  users
    .command('reset-password')
    .description("give a user a new one-time password (their sessions end); prints it once")
    .argument('<userId>')
    .action(async (userId: string) => {
      const password = await withStores(loadConfig(), (store, credentials, catalogue) => resetPassword(store, credentials, catalogue, userId));
      console.log(`one-time password for ${userId} (shown once): ${password}`);
    });

  users
    .command('disable')
    .description('disable a user: sign-in, sessions and API tokens stop working at once')
    .argument('<userId>')
    .requiredOption('--reason <reason>', 'why, as the log will keep it')
    .action(async (userId: string, opts: { reason: string }) => {
      await withStores(loadConfig(), (store, _credentials, catalogue) => disableUser(store, catalogue, userId, opts.reason));
      console.log(`user ${userId} disabled`);
    });

  users
    .command('show')
    .description("a user's account: enabled, grants, API tokens")
    .argument('<userId>')
    .action(async (userId: string) => {
      const state = await withStores(loadConfig(), (store) => readUser(store, userId));
      if (state.userId === null) throw new Error(`there is no user ${userId}`);
      console.log(JSON.stringify({ ...state, credentialId: undefined }, null, 2));
    });
}
