/**
 * The TypeScript blocks of the Markdown documentation, as programs to
 * type-check and run (test/kernel/docs-examples.test.ts; docs/testing.md
 * "Docs that run").
 *
 * Every fenced block whose info string starts with `ts` or `typescript` is a
 * program. HTML comments on the lines right before its opening fence (blank
 * lines allowed between them) change that:
 *
 *   <!-- not run: REASON -->        neither type-checked nor run (a type shape, an elided fragment)
 *   <!-- compile only: REASON -->   type-checked, not run (needs hardware, runs forever, ...)
 *   <!-- run with previous -->      continues the previous run (or compile only) block of the
 *                                   same document: both (and any further continuations) are one
 *                                   program; `not run` blocks in between are left out
 *   <!-- needs: KIND ... -->        kernel features the block needs (ktest needs: a named
 *                                   skip where the kernel lacks one; the VM lane runs it)
 *
 * A reason is required for the first two. Any other comment that starts with
 * one of the marker words but does not parse is an error, so a typo never
 * turns a marker into a silently ignored comment.
 *
 * Imports: a document usually imports once at the top. An import declaration
 * of an earlier block of the same document is in scope in every later block:
 * a block gets the names it uses and does not import itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export type BlockMode = 'run' | 'compile' | 'skip';

export interface DocBlock {
  /** Path of the document relative to the repository root. */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The code, indentation of the fence removed. */
  code: string;
  mode: BlockMode;
  /** The reason given with `not run` / `compile only`. */
  reason?: string;
  /** Continues the previous block of the document. */
  withPrevious: boolean;
  /** Kernel features (ktest `needs`). */
  needs: string[];
}

/** One program: a block and its continuations. */
export interface DocProgram {
  doc: string;
  /** Line of the first block's fence: the program's name is `doc:line`. */
  line: number;
  blocks: DocBlock[];
  mode: 'run' | 'compile';
  needs: string[];
  /** Import declarations carried from earlier blocks (filled by programsOf). */
  carried: string[];
}

export class MarkerError extends Error {}

const FENCE_OPEN = /^(\s*)(`{3,}|~{3,})\s*(ts|typescript)(\s.*)?$/;
const MARKER = /^\s*<!--\s*(.*?)\s*-->\s*$/;
const MARKER_WORDS = /^(not run|compile only|run with previous|needs)\b/i;

/** Parse the marker comments of one document. */
export function extractBlocks(doc: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const out: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE_OPEN.exec(lines[i]!);
    if (!m) {
      // skip over other fenced blocks so a ``` inside them is not mistaken for a fence
      const other = /^\s*(`{3,}|~{3,})/.exec(lines[i]!);
      if (other) for (i++; i < lines.length && !closes(lines[i]!, other[1]!); i++);
      continue;
    }
    const indent = m[1]!.length;
    const fence = m[2]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (closes(l, fence)) break;
      body.push(l.slice(Math.min(indent, l.length - l.trimStart().length)));
    }
    if (j >= lines.length) throw new MarkerError(`${doc}:${i + 1}: code fence never closed`);
    const block: DocBlock = { doc, line: i + 1, code: body.join('\n'), mode: 'run', withPrevious: false, needs: [] };
    // marker comments right above (blank lines allowed)
    for (let k = i - 1; k >= 0; k--) {
      const l = lines[k]!;
      if (l.trim() === '') continue;
      const c = MARKER.exec(l);
      if (!c) break;
      applyMarker(block, c[1]!, `${doc}:${k + 1}`);
    }
    if (block.withPrevious && !out.length) throw new MarkerError(`${doc}:${block.line}: "run with previous" on the first block of the document`);
    out.push(block);
    i = j;
  }
  return out;
}

/** A closing fence: the same character, at least as many, nothing else (CommonMark). */
function closes(line: string, fence: string): boolean {
  const t = line.trim();
  return t.length >= fence.length && t === fence[0]!.repeat(t.length);
}

function applyMarker(b: DocBlock, text: string, where: string): void {
  if (!MARKER_WORDS.test(text)) return; // an ordinary comment
  let m: RegExpExecArray | null;
  if ((m = /^not run:\s*(\S.*)$/i.exec(text))) {
    b.mode = 'skip';
    b.reason = m[1];
  } else if ((m = /^compile only:\s*(\S.*)$/i.exec(text))) {
    if (b.mode !== 'skip') b.mode = 'compile';
    b.reason = m[1];
  } else if (/^run with previous$/i.test(text)) {
    b.withPrevious = true;
  } else if ((m = /^needs:\s*([a-z0-9_-]+(?:[\s,]+[a-z0-9_-]+)*)\s*$/i.exec(text))) {
    b.needs.push(...m[1]!.split(/[\s,]+/));
  } else {
    throw new MarkerError(
      `${where}: marker "${text}" not understood (use "not run: REASON", "compile only: REASON", "run with previous" or "needs: KIND ...")`,
    );
  }
}

/** Group blocks into programs and carry earlier import declarations forward. */
export function programsOf(blocks: DocBlock[]): { programs: DocProgram[]; skipped: DocBlock[] } {
  const programs: DocProgram[] = [];
  const skipped: DocBlock[] = [];
  let prev: DocProgram | undefined;
  for (const b of blocks) {
    if (b.withPrevious) {
      if (!prev) throw new MarkerError(`${b.doc}:${b.line}: "run with previous" but no earlier block of the document runs`);
      if (b.mode === 'skip') throw new MarkerError(`${b.doc}:${b.line}: "run with previous" on a block that is not run`);
      prev.blocks.push(b);
      if (b.mode === 'compile') prev.mode = 'compile';
      prev.needs.push(...b.needs.filter((n) => !prev!.needs.includes(n)));
    } else if (b.mode === 'skip') {
      skipped.push(b); // a shape between two blocks of one program does not end it
    } else {
      prev = { doc: b.doc, line: b.line, blocks: [b], mode: b.mode, needs: [...b.needs], carried: [] };
      programs.push(prev);
    }
  }
  // imports: what earlier blocks (run or not) of the document declared
  const byBlock = new Map<DocBlock, ImportDecl[]>();
  for (const b of blocks) byBlock.set(b, parseImports(b.code));
  for (const p of programs) {
    const own = p.blocks.flatMap((b) => byBlock.get(b)!);
    const ownNames = new Set(own.flatMap((d) => d.names.map((n) => n.local)));
    const code = p.blocks.map((b) => stripImports(b.code)).join('\n');
    const earlier = blocks.slice(0, blocks.indexOf(p.blocks[0]!)).flatMap((b) => byBlock.get(b)!);
    const wanted = new Map<string, { module: string; spec: string; isType: boolean; ns: boolean }>();
    for (const d of earlier) {
      for (const n of d.names) {
        if (ownNames.has(n.local) || wanted.has(n.local)) continue;
        if (!new RegExp(`(^|[^.\\w$])${n.local.replace(/\$/g, '\\$')}\\b`).test(code)) continue;
        wanted.set(n.local, { module: d.module, spec: n.spec, isType: d.isType || n.isType, ns: n.ns });
      }
    }
    const lines: string[] = [];
    const byModule = new Map<string, string[]>();
    for (const [local, w] of wanted) {
      if (w.ns) lines.push(`import * as ${local} from '${w.module}';`);
      else {
        const list = byModule.get(w.module) ?? [];
        list.push(w.isType ? `type ${w.spec}` : w.spec);
        byModule.set(w.module, list);
      }
    }
    for (const [mod, names] of byModule) lines.push(`import { ${names.join(', ')} } from '${mod}';`);
    p.carried = lines;
  }
  return { programs, skipped };
}

interface ImportDecl {
  module: string;
  isType: boolean;
  names: Array<{ local: string; spec: string; isType: boolean; ns: boolean }>;
}

const IMPORT_RE = /^\s*import\s+(type\s+)?([\w$*{}\s,]+?)\s+from\s+['"]([^'"]+)['"];?/gm;

function parseImports(code: string): ImportDecl[] {
  const out: ImportDecl[] = [];
  for (const m of code.matchAll(IMPORT_RE)) {
    const isType = !!m[1];
    const clause = m[2]!.trim();
    const d: ImportDecl = { module: m[3]!, isType, names: [] };
    const ns = /\*\s+as\s+([\w$]+)/.exec(clause);
    if (ns) d.names.push({ local: ns[1]!, spec: ns[1]!, isType: false, ns: true });
    const braces = /\{([^}]*)\}/.exec(clause);
    if (braces) {
      for (const part of braces[1]!.split(',').map((s) => s.trim()).filter(Boolean)) {
        const t = /^(type\s+)?([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(part);
        if (!t) continue;
        d.names.push({ local: t[3] ?? t[2]!, spec: t[3] ? `${t[2]} as ${t[3]}` : t[2]!, isType: !!t[1], ns: false });
      }
    }
    const def = /^([\w$]+)\s*(,|$)/.exec(clause);
    if (def && !clause.startsWith('{') && !clause.startsWith('*')) d.names.push({ local: def[1]!, spec: `default as ${def[1]}`, isType: false, ns: false });
    out.push(d);
  }
  return out;
}

function stripImports(code: string): string {
  return code.replace(IMPORT_RE, '');
}

/** README.md and every .md under docs/ and examples/ (recursively), relative to root. */
export function findDocs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.md')) out.push(relative(root, p));
    }
  };
  for (const e of readdirSync(root).sort()) if (e.endsWith('.md')) out.push(e);
  walk(join(root, 'docs'));
  walk(join(root, 'examples'));
  return out;
}

export function readDocBlocks(root: string): DocBlock[] {
  return findDocs(root).flatMap((d) => extractBlocks(d, readFileSync(join(root, d), 'utf8')));
}

/**
 * The source of a program: carried imports, then each block; `export {}`
 * makes it a module (top-level await). `map(line)` turns a 1-based line of
 * the source into `doc:line`.
 */
export function programSource(p: DocProgram): { source: string; map: (line: number) => string } {
  const parts: string[] = [...p.carried];
  const segs: Array<{ from: number; block: DocBlock }> = [];
  for (const b of p.blocks) {
    segs.push({ from: parts.length + 1, block: b });
    parts.push(...b.code.split('\n'));
  }
  parts.push('export {};', '');
  const map = (line: number): string => {
    let seg: (typeof segs)[number] | undefined;
    for (const s of segs) if (line >= s.from) seg = s;
    if (!seg) return `${p.doc}:${p.line} (carried import)`;
    // +1: the fence line itself
    return `${seg.block.doc}:${seg.block.line + 1 + (line - seg.from)}`;
  };
  return { source: parts.join('\n'), map };
}

export function programName(p: DocProgram): string {
  return `${p.doc}:${p.line}`;
}
