// Raw MIME shapes for robustness tests, built byte for byte (no library would produce them).

/** `depth` nested multipart/mixed levels around one text/plain leaf reading THE-LEAF-TEXT. */
export function nestedMime(depth: number, subject: string): Buffer {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += `Content-Type: multipart/mixed; boundary="level${i}"\r\n\r\n--level${i}\r\n`;
    close = `\r\n--level${i}--\r\n` + close;
  }
  return Buffer.from(`Subject: ${subject}\r\nMIME-Version: 1.0\r\n${open}Content-Type: text/plain\r\n\r\nTHE-LEAF-TEXT${close}`);
}
