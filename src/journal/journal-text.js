// @ts-check
'use strict';
/**
 * Reading a journal's text (YAML, or JSON which is YAML) into plain data, within limits. Plain CommonJS so that it
 * runs unchanged in a worker thread (under ts-jest as well as from dist/): journals are read off the event loop that
 * answers requests (journal-reader.ts starts the worker), and this is the worker.
 *
 * The YAML parser nests its calls as deep as the text nests (a few thousand `[` overflow the stack, and V8 can then
 * abort the whole process), checks unique keys in time quadratic in the number of keys, and expands aliases. So a
 * first pass over the lexer's tokens (flat, no recursion) measures the text's shape and stops at the first limit
 * broken, naming it and its line; only a text within every limit is parsed. Duplicate keys are then found with a
 * set per mapping, and aliases are expanded under a cap.
 */
const { isMainThread, parentPort, workerData } = require('node:worker_threads');
const { Lexer, LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit } = require('yaml');

/**
 * @typedef {{ bytes: number, depth: number, values: number, keys: number, entries: number, aliases: number }} JournalLimits
 * @typedef {{ line?: number, at?: { line: number, column: number }, field: string, problem: string }} TextProblem
 * @typedef {{ line: number, column: number }} Place
 * @typedef {{ value: unknown, entryLines: number[], problems: TextProblem[] }} TextRead
 */

const fmt = (/** @type {number} */ n) => n.toLocaleString('en-US');

/**
 * The first limit the text breaks, with its line, or null. Block nesting is measured as an indentation stack (each
 * `- `, `? ` or key at a deeper column opens a level), flow nesting by `[`/`{`; both count toward the depth.
 * @param {string} text
 * @param {JournalLimits} limits
 * @returns {TextProblem | null}
 */
function shapeProblem(text, limits) {
  /** @type {{ col: number, keys: number, items: number }[]} */
  const block = [];
  /** @type {{ map: boolean, count: number }[]} */
  const flow = [];
  let line = 1;
  let col = 0;
  let values = 0;
  let aliases = 0;
  let keyCol = -1;
  const at = (/** @type {string} */ problem) => ({ line, field: '(file)', problem });
  const depthProblem = () =>
    block.length + flow.length > limits.depth ? at(`nests deeper than ${limits.depth} levels (the depth limit)`) : null;
  /** A node of block context starts at `c`: a sibling of the level at that column, or a new, deeper level. */
  const blockNode = (/** @type {number} */ c, /** @type {'keys' | 'items'} */ kind) => {
    while (block.length > 0 && block[block.length - 1].col > c) block.pop();
    let top = block[block.length - 1];
    if (!top || top.col < c) {
      top = { col: c, keys: 0, items: 0 };
      block.push(top);
      const deep = depthProblem();
      if (deep) return deep;
    }
    top[kind] += 1;
    if (kind === 'keys' && top.keys > limits.keys) return at(`a mapping has more than ${fmt(limits.keys)} keys (the keys limit)`);
    if (kind === 'items' && top.items > limits.entries) {
      return at(`a list has more than ${fmt(limits.entries)} items (the entries limit: split the journal in several files)`);
    }
    return null;
  };

  for (const token of new Lexer().lex(text)) {
    const first = token[0];
    /** @type {TextProblem | null} */
    let problem = null;
    if (token === '\n' || token === '\r\n') {
      line += 1;
      col = 0;
      keyCol = -1;
      continue;
    }
    // Markers the lexer inserts (document start, scalar, flow error) take no room in the text.
    if (token === '\u0002' || token === '\u001f' || token === '\u0018') continue;
    if (flow.length === 0 && (token === '-' || token === '?')) {
      problem = blockNode(col, token === '-' ? 'items' : 'keys');
    } else if (token === ':') {
      if (flow.length === 0) problem = blockNode(keyCol >= 0 ? keyCol : col, 'keys');
    } else if (token === '[' || token === '{') {
      flow.push({ map: token === '{', count: 1 });
      values += 1;
      problem = depthProblem();
    } else if (token === ']' || token === '}') {
      flow.pop();
    } else if (token === ',') {
      const top = flow[flow.length - 1];
      if (top) {
        top.count += 1;
        if (top.map && top.count > limits.keys) problem = at(`a mapping has more than ${fmt(limits.keys)} keys (the keys limit)`);
        if (!top.map && top.count > limits.entries) problem = at(`a list has more than ${fmt(limits.entries)} items (the entries limit)`);
      }
    } else if (first === '*') {
      aliases += 1;
      if (aliases > limits.aliases) problem = at(`uses more than ${limits.aliases} aliases (the aliases limit)`);
    } else if (first !== ' ' && first !== '\t' && first !== '#' && first !== '&' && first !== '!' && first !== '%') {
      // A scalar (plain, quoted or block): the key of a `:` that follows on this line.
      keyCol = col;
      values += 1;
    }
    if (!problem && values > limits.values) problem = at(`has more than ${fmt(limits.values)} keys, items and values in all (the values limit)`);
    if (problem) return problem;
    // Block scalars and quoted scalars may span lines.
    const breaks = token.split('\n').length - 1;
    if (breaks > 0) {
      line += breaks;
      col = token.length - token.lastIndexOf('\n') - 1;
    } else {
      col += token.length;
    }
  }
  return null;
}

/**
 * What most often causes a YAML error in a journal written by hand, by the parser's error code. A value with ": "
 * or a comma inside a flow mapping `{ … }` must be quoted.
 * @type {Readonly<Record<string, string>>}
 */
const LIKELY_CAUSES = {
  BLOCK_IN_FLOW: 'a ": " inside an unquoted value in { … } starts a mapping: quote the value ("Kinh phí: 3.008 triệu đồng")',
  BLOCK_AS_IMPLICIT_KEY: 'a ": " inside an unquoted value starts a mapping: quote the value',
  TAB_AS_INDENT: 'a tab used to indent: indent with spaces',
  BAD_INDENT: 'a line indented less than its mapping, or a "[" or "{" not closed on the line where it ends',
  MISSING_CHAR: 'a line indented differently from the other lines of its entry, or a list item without its "- "',
  UNEXPECTED_TOKEN: 'text after a closing quote: put the whole value inside the quotes',
  MULTILINE_IMPLICIT_KEY: 'a key, or an unquoted value in { … }, that runs over several lines: quote it or keep it on one line',
  BAD_DQ_ESCAPE: 'a backslash inside "…": write it twice, or use single quotes',
};

/** @param {LineCounter} lineCounter @param {number} offset @returns {Place} */
const placeOf = (lineCounter, offset) => {
  const at = lineCounter.linePos(offset);
  return { line: at.line, column: at.col };
};

/**
 * Keys that appear twice in one mapping, each with its line. A set per mapping: linear in the number of keys.
 * @param {import('yaml').Document} doc
 * @param {LineCounter} lineCounter
 * @returns {TextProblem[]}
 */
function duplicateKeys(doc, lineCounter) {
  /** @type {TextProblem[]} */
  const problems = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        if (seen.has(name)) {
          const offset = pair.key.range ? pair.key.range[0] : 0;
          const at = placeOf(lineCounter, offset);
          problems.push({ line: at.line, at, field: '(file)', problem: `the key "${name}" appears twice in one mapping; likely cause: the same key written twice in one mapping` });
        }
        seen.add(name);
      }
    },
  });
  return problems;
}

/**
 * Reads YAML or JSON text into plain data, within `limits`. Syntax errors and broken limits come back as problems
 * with their line; nothing is thrown for any text.
 * @param {string} text
 * @param {JournalLimits} limits
 * @returns {TextRead}
 */
function readJournalText(text, limits) {
  const none = (/** @type {TextProblem[]} */ problems) => ({ value: null, entryLines: [], problems });
  if (Buffer.byteLength(text, 'utf8') > limits.bytes) {
    return none([{ field: '(file)', problem: `is larger than ${fmt(limits.bytes / 1024 / 1024)} MB (the size limit): split the journal in several files` }]);
  }
  const shape = shapeProblem(text, limits);
  if (shape) return none([shape]);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, version: '1.2' });
  /** @type {TextProblem[]} */
  const problems = doc.errors.map((e) => {
    const at = placeOf(lineCounter, e.pos[0]);
    const cause = LIKELY_CAUSES[e.code];
    return { line: at.line, at, field: '(file)', problem: `${e.message.split('\n')[0]}${cause ? `; likely cause: ${cause}` : ''}` };
  });
  if (problems.length === 0) problems.push(...duplicateKeys(doc, lineCounter));
  if (problems.length > 0) return none(problems);
  /** @type {number[]} */
  const entryLines = [];
  if (isMap(doc.contents)) {
    const entries = doc.contents.get('entries', true);
    if (isSeq(entries)) {
      for (const item of entries.items) {
        const range = /** @type {{ range?: [number, number, number] }} */ (item).range;
        entryLines.push(range ? lineCounter.linePos(range[0]).line : 0);
      }
    }
  }
  try {
    return { value: doc.toJS({ maxAliasCount: limits.aliases }), entryLines, problems: [] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const problem = /excessive alias count/i.test(message)
      ? `its aliases expand to more than ${limits.aliases} nodes (the aliases limit)`
      : `cannot be read: ${message}`;
    return none([{ field: '(file)', problem }]);
  }
}

/**
 * Where fields of entries are written: for each query (entry index, field as the problems name it, e.g.
 * "figure.sumOf[0]"), the line and column of the field's value (or its key, when it has none), or of the nearest
 * enclosing node found. Asked only for a journal that was read (within its limits) and then refused, so the text
 * is parsed again here rather than its positions kept for every journal.
 * @param {string} text
 * @param {ReadonlyArray<{ entry: number, field: string }>} queries
 * @returns {Array<Place | undefined>}
 */
function locateFields(text, queries) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, version: '1.2' });
  const entries = isMap(doc.contents) ? doc.contents.get('entries', true) : undefined;
  const rangeOf = (/** @type {unknown} */ node) => /** @type {{ range?: number[] } | undefined} */ (node)?.range?.[0];
  return queries.map(({ entry, field }) => {
    if (!isSeq(entries)) return undefined;
    /** @type {unknown} */
    let node = entries.items[entry];
    let place = rangeOf(node);
    for (const segment of field.split(/\.|(?=\[)/).filter((x) => x !== '')) {
      const index = /^\[(\d+)\]$/.exec(segment);
      /** @type {unknown} */
      let next;
      if (index && isSeq(node)) next = node.items[Number(index[1])];
      else if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
        next = pair ? (pair.value ?? pair.key) : undefined;
      }
      if (next === undefined || next === null) break;
      node = isPair(next) ? next.value : next;
      place = rangeOf(node) ?? place;
    }
    return place === undefined ? undefined : placeOf(lineCounter, place);
  });
}

if (!isMainThread && workerData && workerData.role === 'ledger-journal-reader') {
  const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
  port.on(
    'message',
    (/** @type {{ id: number, kind: 'read', text: string, limits: JournalLimits } | { id: number, kind: 'locate', text: string, queries: Array<{ entry: number, field: string }> }} */ job) => {
      const result = job.kind === 'read' ? readJournalText(job.text, job.limits) : locateFields(job.text, job.queries);
      port.postMessage({ id: job.id, result });
    },
  );
}

module.exports = { readJournalText, locateFields, shapeProblem };
