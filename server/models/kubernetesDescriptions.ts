/**
 * The descriptions of Kubernetes' API types, which `kubectl explain` prints. `kubernetes-models`
 * leaves them out of its JSON Schemas but keeps them as doc comments in its type declarations
 * (`apps/v1/DeploymentSpec.d.ts`), one comment above the interface and one above each field, so
 * they are read from there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const MODELS_ROOT = dirname(require.resolve('kubernetes-models'));
const APIMACHINERY_ROOT = dirname(require.resolve('@kubernetes-models/apimachinery'));
const APIMACHINERY_PREFIX = 'io.k8s.apimachinery.pkg.';

export interface TypeDescriptions {
  description?: string;
  /** Field name → description. */
  fields: Map<string, string>;
}

/** Group folders of the package (`apps`, `networking.k8s.io`), read once. */
let groupFolders: string[] | undefined;

/** `io.k8s.api.<short group>.<version>.<Type>` and the two API servers' own prefixes. */
const API_ID =
  /^io\.k8s\.(?:api\.([^.]+)|apiextensions-apiserver\.pkg\.apis\.(apiextensions)|kube-aggregator\.pkg\.apis\.(apiregistration))\.([^.]+)\.([^.]+)$/;

/** The declaration file of a definition id, or `undefined` when the id follows no known layout. */
function declarationFile(id: string): string | undefined {
  if (id.startsWith(APIMACHINERY_PREFIX)) {
    return `${join(APIMACHINERY_ROOT, ...id.slice(APIMACHINERY_PREFIX.length).split('.'))}.d.ts`;
  }
  const match = API_ID.exec(id);
  if (!match) return undefined;
  const [, api, extensions, aggregator, version, type] = match;
  const shortGroup = api ?? extensions ?? aggregator!;
  if (shortGroup === 'core') return join(MODELS_ROOT, version!, `${type}.d.ts`);
  groupFolders ??= readdirSync(MODELS_ROOT);
  // Folders are named after the full group: `rbac` lives in `rbac.authorization.k8s.io`.
  const folder = groupFolders.find(
    (name) => name === shortGroup || name.startsWith(`${shortGroup}.`),
  );
  return folder && join(MODELS_ROOT, folder, version!, `${type}.d.ts`);
}

/**
 * A doc comment followed by what it documents: an exported interface or type alias (group 2) or a
 * quoted field (group 3). Group 1 holds the comment's lines, each starting with `*`.
 */
const DOC_COMMENT =
  /\/\*\*\n((?:[ \t]*\*(?:[ \t].*)?\n)*?)[ \t]*\*\/\n[ \t]*(?:export (?:interface|declare type) (\w+)|"([^"]+)"\??:)/g;

/** The text of a doc comment: paragraphs kept, tags and the generator's escapes of `*` dropped. */
function commentText(lines: string): string {
  return lines
    .split('\n')
    .map((line) => line.replace(/^[ \t]*\*[ \t]?/, ''))
    .filter((line) => !line.startsWith('@'))
    .join('\n')
    .replaceAll('\\*', '*')
    .replaceAll('*\\/', '*/')
    .trim();
}

/**
 * The descriptions of one definition, e.g. `io.k8s.api.apps.v1.DeploymentSpec`, or `undefined`
 * when the package has no declaration for it.
 */
export function readDescriptions(id: string): TypeDescriptions | undefined {
  const file = declarationFile(id);
  if (file === undefined || !existsSync(file)) return undefined;
  const source = readFileSync(file, 'utf8');
  const typeName = `I${id.slice(id.lastIndexOf('.') + 1)}`;
  const result: TypeDescriptions = { fields: new Map() };
  for (const [, lines, declared, field] of source.matchAll(DOC_COMMENT)) {
    const text = commentText(lines!);
    if (text === '') continue;
    if (declared === typeName) result.description ??= text;
    // Only the interface documents its fields; the class below it repeats them bare.
    else if (field !== undefined && !result.fields.has(field)) result.fields.set(field, text);
  }
  return result;
}
