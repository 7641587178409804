// Checks of the package source that catch, offline, mistakes only an org would otherwise show:
// a tab motif Salesforce does not have (the tab fails, and every permission set naming it), an
// example Flow a subscriber cannot open (a managed Flow opens in Flow Builder only as a
// template), and string literals naming the package's own fields or objects, which stop
// matching once the package is installed under its namespace (`ns__Field__c`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { repoRoot } from './tools.ts';

const metadataRoot = path.join(repoRoot, 'force-app/main/default');
const referenceDir = path.join(repoRoot, 'scripts/salesforce/reference');

function filesUnder(dir: string, suffixes: string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => suffixes.some((suffix) => name.endsWith(suffix)))
    .map((name) => path.join(dir, name))
    .sort();
}

const relative = (file: string) => path.relative(repoRoot, file).split(path.sep).join('/');

// ---- tab motifs ------------------------------------------------------------------------

type MotifList = { motifs: string[] };

export function documentedMotifs(): Set<string> {
  const list = JSON.parse(readFileSync(path.join(referenceDir, 'tab-motifs.json'), 'utf8')) as MotifList;
  return new Set(list.motifs);
}

/** Each tab whose motif is not one of Salesforce's tab styles, as "file: motif". */
export function unknownMotifs(tabFiles = filesUnder(path.join(metadataRoot, 'tabs'), ['.tab-meta.xml'])): string[] {
  const known = documentedMotifs();
  const problems: string[] = [];
  for (const file of tabFiles) {
    const motif = /<motif>([^<]*)<\/motif>/.exec(readFileSync(file, 'utf8'))?.[1];
    if (motif !== undefined && !known.has(motif)) problems.push(`${relative(file)}: motif "${motif}" is not a Salesforce tab style`);
  }
  return problems;
}

// ---- the example Flow ------------------------------------------------------------------

/**
 * Flows the package ships must be templates (a subscriber can open them in Flow Builder and
 * save a copy), and a Flow that looks a caller up by phone key must refuse a blank key, or
 * "Phone_Key__c equals blank" matches every record that has no key.
 */
export function flowProblems(flowFiles = filesUnder(path.join(metadataRoot, 'flows'), ['.flow-meta.xml'])): string[] {
  const problems: string[] = [];
  for (const file of flowFiles) {
    const xml = readFileSync(file, 'utf8');
    if (!/<isTemplate>true<\/isTemplate>/.test(xml)) problems.push(`${relative(file)}: not a template (<isTemplate>true</isTemplate>)`);
    const keyVariables = new Set<string>();
    for (const lookup of xml.matchAll(/<filters>\s*<field>(?:Mobile_)?Phone_Key__c<\/field>[\s\S]*?<elementReference>([^<]+)<\/elementReference>/g)) {
      keyVariables.add(lookup[1]!);
    }
    for (const variable of keyVariables) {
      const guard = new RegExp(`<leftValueReference>${variable}</leftValueReference>\\s*<operator>IsBlank</operator>\\s*<rightValue>\\s*<booleanValue>false</booleanValue>`);
      if (!guard.test(xml)) problems.push(`${relative(file)}: looks records up by ${variable} without first requiring it not to be blank`);
    }
  }
  return problems;
}

// ---- string literals naming the package's own fields and objects -------------------------

/** Every custom object and custom field the package defines, by API name without namespace. */
export function packageApiNames(objectsDir = path.join(metadataRoot, 'objects')): Set<string> {
  const names = new Set<string>();
  for (const object of readdirSync(objectsDir)) {
    if (/__(c|e|mdt)$/.test(object)) names.add(object);
    const fieldsDir = path.join(objectsDir, object, 'fields');
    if (!existsSync(fieldsDir)) continue;
    for (const file of readdirSync(fieldsDir)) {
      const field = file.replace(/\.field-meta\.xml$/, '');
      names.add(field);
      // A lookup's relationship name in SOQL (Lead__r.Name) is the field's name with __r.
      names.add(field.replace(/__c$/, '__r'));
    }
  }
  return names;
}

export type Literal = { file: string; line: number; text: string };

export async function apexStringLiterals(file: string, source = readFileSync(file, 'utf8')): Promise<Literal[]> {
  const { ApexParserFactory, ApexLexer } = await import('@apexdevtools/apex-parser');
  const literals: Literal[] = [];
  for (const token of ApexParserFactory.createLexer(source).getAllTokens()) {
    if (token.type === ApexLexer.StringLiteral || token.type === ApexLexer.MultilineStringLiteral) {
      literals.push({ file: relative(file), line: token.line, text: token.text });
    }
  }
  return literals;
}

/**
 * String and template literals of an LWC module. Import specifiers are left out on purpose:
 * `@salesforce/schema/AI_Call__c.Summary__c` and `@salesforce/apex/...` are resolved by the
 * platform under the package's namespace, which is how a component should name a field.
 */
export function javascriptStringLiterals(file: string, source = readFileSync(file, 'utf8')): Literal[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const literals: Literal[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) return;
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      const line = sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      literals.push({ file: relative(file), line, text: node.getText() });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return literals;
}

/** Attribute values of an LWC template, e.g. `field-name="Summary__c"` on a record form. */
export function htmlAttributeLiterals(file: string, source = readFileSync(file, 'utf8')): Literal[] {
  const literals: Literal[] = [];
  for (const match of source.matchAll(/=\s*("[^"]*"|'[^']*')/g)) {
    const line = source.slice(0, match.index).split('\n').length;
    literals.push({ file: relative(file), line, text: match[1]! });
  }
  return literals;
}

/** The package API names a literal spells out, compared without case as Apex does. */
export function namesIn(literal: string, names: Set<string>): string[] {
  const found: string[] = [];
  for (const word of literal.match(/[A-Za-z][A-Za-z0-9_]*__(?:c|e|mdt|r)\b/g) ?? []) {
    const bare = word.replace(/^[A-Za-z][A-Za-z0-9]*__(?=[A-Za-z][A-Za-z0-9_]*__(?:c|e|mdt|r)$)/, '');
    for (const name of names) {
      if (name.toLowerCase() === bare.toLowerCase()) found.push(word);
    }
  }
  return found;
}

type AllowEntry = { file: string; literal: string; reason: string };

export function allowList(file = path.join(referenceDir, 'field-name-literals.json')): AllowEntry[] {
  const entries = (JSON.parse(readFileSync(file, 'utf8')) as { allowed: AllowEntry[] }).allowed;
  for (const entry of entries) {
    if (!entry.reason?.trim()) throw new Error(`${relative(file)}: ${entry.file} ${entry.literal} has no reason`);
  }
  return entries;
}

/** Literals that name the package's own fields or objects and are not on the allow-list. */
export function literalProblems(literals: Literal[], names: Set<string>, allowed: AllowEntry[]): string[] {
  const problems: string[] = [];
  for (const literal of literals) {
    const named = namesIn(literal.text, names);
    if (named.length === 0) continue;
    if (allowed.some((entry) => entry.file === literal.file && entry.literal === literal.text)) continue;
    problems.push(`${literal.file}:${literal.line}: ${literal.text} names ${named.join(', ')}; use a field token, getLocalName() or @salesforce/schema`);
  }
  return problems;
}

/** Allow-list entries that no longer match a literal: the list stays as short as the code needs. */
export function staleAllowEntries(literals: Literal[], allowed: AllowEntry[]): string[] {
  return allowed
    .filter((entry) => !literals.some((literal) => literal.file === entry.file && literal.text === entry.literal))
    .map((entry) => `${entry.file}: ${entry.literal} is allowed but no longer used`);
}

export async function packageLiterals(): Promise<Literal[]> {
  const literals: Literal[] = [];
  for (const file of filesUnder(metadataRoot, ['.cls', '.trigger'])) literals.push(...(await apexStringLiterals(file)));
  for (const file of filesUnder(path.join(metadataRoot, 'lwc'), ['.js', '.html'])) {
    // Jest tests run without a namespace and mock what Apex returns; they are not shipped.
    if (file.includes(`${path.sep}__tests__${path.sep}`)) continue;
    literals.push(...(file.endsWith('.html') ? htmlAttributeLiterals(file) : javascriptStringLiterals(file)));
  }
  return literals;
}
