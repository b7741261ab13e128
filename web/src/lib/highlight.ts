// A small HTML tokenizer for the "HTML source" tab. Tokens are rendered as text inside <span>s,
// so the source is shown escaped and nothing in it is ever interpreted.

export type TokenKind = 'text' | 'tag' | 'attr' | 'value' | 'comment' | 'doctype' | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
}

const MAX_TOKENS = 200_000; // beyond this the rest is shown as plain text (keeps huge mail responsive)

/** Splits HTML source into coloured tokens; concatenating every token's text gives the input back. */
export function highlightHtml(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, text: string) => {
    if (text) out.push({ kind, text });
  };
  while (i < src.length) {
    if (out.length > MAX_TOKENS) {
      push('text', src.slice(i));
      break;
    }
    const lt = src.indexOf('<', i);
    if (lt === -1) {
      push('text', src.slice(i));
      break;
    }
    push('text', src.slice(i, lt));
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      const stop = end === -1 ? src.length : end + 3;
      push('comment', src.slice(lt, stop));
      i = stop;
      continue;
    }
    if (/^<!/i.test(src.slice(lt, lt + 2))) {
      const end = src.indexOf('>', lt);
      const stop = end === -1 ? src.length : end + 1;
      push('doctype', src.slice(lt, stop));
      i = stop;
      continue;
    }
    const name = /^<\/?[A-Za-z][\w:-]*/.exec(src.slice(lt, lt + 100));
    if (!name) {
      push('text', '<');
      i = lt + 1;
      continue;
    }
    push('tag', name[0]);
    i = lt + name[0].length;
    // attributes until '>'
    const attrRe = /\s+|\/?>|([^\s=>/]+)(\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?|./y;
    while (i < src.length) {
      attrRe.lastIndex = i;
      const m = attrRe.exec(src)!;
      const t = m[0];
      if (t === '>' || t === '/>') {
        push('tag', t);
        i += t.length;
        break;
      }
      if (m[1]) {
        push('attr', m[1]);
        if (m[2]) {
          const eq = m[2].slice(0, m[2].length - m[3]!.length);
          push('punct', eq);
          push('value', m[3]!);
        }
      } else push('text', t);
      i += t.length;
    }
  }
  return out;
}
