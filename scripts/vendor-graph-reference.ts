// Regenerates reference/msgraph/ from Microsoft's Graph v1.0 CSDL and the Graph permissions map.
//   npx tsx scripts/vendor-graph-reference.ts [path-to-shared-reference]   (default: ../shared/reference/msgraph)
// The CSDL keeps every schema's structure (entity sets, singletons, entity/complex/enum types, keys,
// properties, navigation properties, actions, functions, terms) and only the annotations that change how a
// URL or a body is interpreted; documentation and capability annotations are dropped. The permissions map
// keeps every permission, scheme privilege level and path set; display texts are dropped. Both stay
// correct for any route, not only the ones Sesame uses today.
import './node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseXml, serializeXml, type XmlElement } from '../tests/contract/xml-elements.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = resolve(process.argv[2] ?? join(repoRoot, '..', 'shared', 'reference', 'msgraph'));
const outDir = join(repoRoot, 'reference', 'msgraph');

/** Annotations that affect URL resolution or body validation; everything else is documentation. */
export const KEPT_ANNOTATION_TERMS = new Set([
  'Org.OData.Core.V1.AlternateKeys',
  'Org.OData.Core.V1.Computed',
  'Org.OData.Core.V1.Immutable',
  'Org.OData.Core.V1.OptionalParameter',
  'Org.OData.Core.V1.RequiresExplicitBinding',
  'Org.OData.Core.V1.ExplicitOperationBindings',
]);

function trimCsdl(el: XmlElement): XmlElement | undefined {
  if (el.name === 'Annotation' && !KEPT_ANNOTATION_TERMS.has(el.attrs.Term ?? '')) return undefined;
  const children = el.children.map(trimCsdl).filter((c): c is XmlElement => c !== undefined);
  if (el.name === 'Annotations' && children.length === 0) return undefined;
  return { ...el, children };
}

interface PermissionScheme {
  requiresAdminConsent?: boolean;
  privilegeLevel?: number;
}
interface PermissionEntry {
  authorizationType?: string;
  schemes: Record<string, PermissionScheme>;
  pathSets: { schemeKeys: string[]; methods: string[]; paths: Record<string, string> }[];
}

function trimPermissions(source: { permissions: Record<string, PermissionEntry> }) {
  const permissions: Record<string, PermissionEntry> = {};
  for (const [name, p] of Object.entries(source.permissions)) {
    const schemes: Record<string, PermissionScheme> = {};
    for (const [key, s] of Object.entries(p.schemes)) {
      schemes[key] = { requiresAdminConsent: s.requiresAdminConsent, privilegeLevel: s.privilegeLevel };
    }
    permissions[name] = {
      authorizationType: p.authorizationType,
      schemes,
      pathSets: p.pathSets.map((ps) => ({ schemeKeys: ps.schemeKeys, methods: ps.methods, paths: ps.paths })),
    };
  }
  return { permissions };
}

interface SourceManifest {
  generatedAt?: string;
  sources?: Record<string, { sha256?: string } | undefined>;
}

function readPrevious(path: string): SourceManifest | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SourceManifest;
  } catch {
    return undefined;
  }
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

function main(): void {
  const csdlSource = readFileSync(join(sourceDir, 'v1.0-Prod.csdl'), 'utf8');
  const permissionsSource = readFileSync(join(sourceDir, 'permissions.json'), 'utf8');
  mkdirSync(outDir, { recursive: true });

  const doc = parseXml(csdlSource);
  const edmx = doc.children[0];
  if (!edmx || edmx.name !== 'edmx:Edmx') throw new Error('not an EDMX document');
  const trimmed = trimCsdl(edmx) as XmlElement;
  const csdlOut = '<?xml version="1.0" encoding="utf-8"?>\n' + serializeXml(trimmed);
  writeFileSync(join(outDir, 'v1.0-structure.csdl'), csdlOut);

  const permsOut = JSON.stringify(trimPermissions(JSON.parse(permissionsSource)), null, 1) + '\n';
  writeFileSync(join(outDir, 'permissions-map.json'), permsOut);

  // Copied by content, not by file: the shared originals are read-only and their mode must not follow.
  for (const licence of ['LICENSE-msgraph-metadata', 'LICENSE-devx-content']) {
    writeFileSync(join(outDir, licence), readFileSync(join(sourceDir, licence)));
  }

  // Regenerating from the same sources keeps the recorded date, so a no-op run leaves the tree clean.
  const previous = readPrevious(join(outDir, 'SOURCE.json'));
  const sameSources =
    previous?.sources?.['v1.0-Prod.csdl']?.sha256 === sha256(csdlSource) &&
    previous?.sources?.['permissions.json']?.sha256 === sha256(permissionsSource);
  const manifest = {
    generatedBy: 'scripts/vendor-graph-reference.ts',
    generatedAt: sameSources && previous?.generatedAt ? previous.generatedAt : new Date().toISOString(),
    sources: {
      'v1.0-Prod.csdl': { sha256: sha256(csdlSource), bytes: Buffer.byteLength(csdlSource) },
      'permissions.json': { sha256: sha256(permissionsSource), bytes: Buffer.byteLength(permissionsSource) },
    },
    outputs: {
      'v1.0-structure.csdl': { sha256: sha256(csdlOut), bytes: Buffer.byteLength(csdlOut) },
      'permissions-map.json': { sha256: sha256(permsOut), bytes: Buffer.byteLength(permsOut) },
    },
    keptAnnotationTerms: [...KEPT_ANNOTATION_TERMS],
  };
  writeFileSync(join(outDir, 'SOURCE.json'), JSON.stringify(manifest, null, 2) + '\n');
  for (const [file, o] of Object.entries(manifest.outputs)) console.log(`${file}: ${o.bytes} bytes`);
}

main();
