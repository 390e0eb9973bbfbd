import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where soffice's HTTP(S) fetches are sent: a loopback port nothing listens on (the discard port), so a
 * fetch that slips past the settings below fails at once instead of reaching the network.
 */
export const DEAD_PROXY = { host: '127.0.0.1', port: 9 };

const setting = (path: string, name: string, value: string | number | boolean) =>
  `<item oor:path="${path}"><prop oor:name="${name}" oor:op="fuse"><value>${value}</value></prop></item>`;

const SCRIPTING = '/org.openoffice.Office.Common/Security/Scripting';
const INET = '/org.openoffice.Inet/Settings';

/**
 * The hardened settings every instance starts with (the same ones Gotenberg and Collabora rely on):
 * - macros: security level "very high" (3) and macro execution disabled outright, so no document
 *   event, form control or Basic library ever runs;
 * - links: BlockUntrustedRefererLinks makes soffice refuse content a document links (http:, file:, …)
 *   because documents load from a directory that is never a trusted location, so only embedded
 *   content is drawn;
 * - network: every HTTP/HTTPS fetch goes through a proxy that does not exist, with no exceptions;
 * - no first-start wizard, no update checks, no recovery data: nothing a headless worker needs.
 */
const HARDENED_SETTINGS = [
  setting(SCRIPTING, 'MacroSecurityLevel', 3),
  setting(SCRIPTING, 'DisableMacrosExecution', true),
  setting(SCRIPTING, 'BlockUntrustedRefererLinks', true),
  setting(INET, 'ooInetProxyType', 1),
  setting(INET, 'ooInetHTTPProxyName', DEAD_PROXY.host),
  setting(INET, 'ooInetHTTPProxyPort', DEAD_PROXY.port),
  setting(INET, 'ooInetHTTPSProxyName', DEAD_PROXY.host),
  setting(INET, 'ooInetHTTPSProxyPort', DEAD_PROXY.port),
  setting(INET, 'ooInetFTPProxyName', DEAD_PROXY.host),
  setting(INET, 'ooInetFTPProxyPort', DEAD_PROXY.port),
  setting(INET, 'ooInetNoProxy', ''),
  setting('/org.openoffice.Office.Common/Misc', 'FirstRun', false),
  setting('/org.openoffice.Office.Common/Misc', 'ShowTipOfTheDay', false),
  setting('/org.openoffice.Office.Recovery/AutoSave', 'Enabled', false),
  setting('/org.openoffice.Office.Recovery/RecoveryInfo', 'Enabled', false),
  setting('/org.openoffice.Office.Common/Save/Document', 'CreateBackup', false),
];

/**
 * LibreOffice 7.4 embeds Noto Color Emoji in a PDF but draws none of its (bitmap) glyphs, so emoji
 * vanish; refused here, fontconfig falls back to Symbola's outline emoji, which print. The profile
 * directory is soffice's HOME, where fontconfig reads a user's own configuration.
 */
const FONT_SELECTION = [
  '<?xml version="1.0"?>',
  '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
  '<fontconfig><selectfont><rejectfont><glob>*/NotoColorEmoji.ttf</glob></rejectfont></selectfont></fontconfig>',
  '',
].join('\n');

/**
 * Writes a fresh profile (user/registrymodifications.xcu) into `profileDir` before soffice first reads
 * it, and the font selection fontconfig reads from there (soffice's HOME).
 */
export async function writeHardenedProfile(profileDir: string): Promise<void> {
  const fontconfigDir = join(profileDir, '.config', 'fontconfig');
  await mkdir(fontconfigDir, { recursive: true });
  await writeFile(join(fontconfigDir, 'fonts.conf'), FONT_SELECTION);
  const userDir = join(profileDir, 'user');
  await mkdir(userDir, { recursive: true });
  const xcu = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    ...HARDENED_SETTINGS,
    '</oor:items>',
    '',
  ].join('\n');
  await writeFile(join(userDir, 'registrymodifications.xcu'), xcu, { mode: 0o600 });
}
