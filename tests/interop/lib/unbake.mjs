// Tiny, dependency-free unbakers (and, for --self-test, bakers) for Open Badges images.
//   PNG: the text of the iTXt chunk with a given keyword
//        (OB 3.0: "openbadgecredential"; OB 2.0: "openbadges").
//   SVG: the CDATA/text of <openbadges:credential> (OB 3.0, namespace
//        https://purl.imsglobal.org/ob/v3p0) or the verify attribute / text of
//        <openbadges:assertion> (OB 2.0, namespace http://openbadges.org).
import zlib from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const OB3_PNG_KEYWORD = 'openbadgecredential';
export const OB2_PNG_KEYWORD = 'openbadges';
export const OB3_SVG_NS = 'https://purl.imsglobal.org/ob/v3p0';
export const OB2_SVG_NS = 'http://openbadges.org';

// CRC-32 as PNG uses it.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Splits a PNG into chunks [{type, data}], checking signature and CRCs. */
export function pngChunks(buf) {
  buf = Buffer.from(buf);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new Error('not a PNG (bad signature)');
  }
  const chunks = [];
  let off = 8;
  while (off < buf.length) {
    if (off + 12 > buf.length) throw new Error('truncated PNG chunk');
    const len = buf.readUInt32BE(off);
    const type = buf.subarray(off + 4, off + 8).toString('latin1');
    if (off + 12 + len > buf.length) throw new Error(`truncated PNG chunk ${type}`);
    const data = buf.subarray(off + 8, off + 8 + len);
    const crc = buf.readUInt32BE(off + 8 + len);
    if (crc32(buf.subarray(off + 4, off + 8 + len)) !== crc) throw new Error(`bad CRC in PNG chunk ${type}`);
    chunks.push({type, data});
    off += 12 + len;
    if (type === 'IEND') break;
  }
  if (!chunks.length || chunks[0].type !== 'IHDR') throw new Error('PNG does not start with IHDR');
  if (chunks[chunks.length - 1].type !== 'IEND') throw new Error('PNG has no IEND');
  return chunks;
}

/**
 * Returns {text, compressed, count} for the iTXt chunk(s) with `keyword`
 * (text of the first), or null when there is none.
 */
export function unbakePng(buf, keyword = OB3_PNG_KEYWORD) {
  const found = [];
  for (const {type, data} of pngChunks(buf)) {
    if (type !== 'iTXt') continue;
    const z1 = data.indexOf(0);
    if (z1 < 0 || data.subarray(0, z1).toString('latin1') !== keyword) continue;
    const compressed = data[z1 + 1];
    const method = data[z1 + 2];
    const z2 = data.indexOf(0, z1 + 3); // end of language tag
    const z3 = z2 < 0 ? -1 : data.indexOf(0, z2 + 1); // end of translated keyword
    if (z2 < 0 || z3 < 0) throw new Error(`malformed iTXt chunk "${keyword}"`);
    let text = data.subarray(z3 + 1);
    if (compressed) {
      if (method !== 0) throw new Error(`iTXt "${keyword}" uses unknown compression method ${method}`);
      text = zlib.inflateSync(text);
    }
    found.push({text: text.toString('utf8'), compressed: Boolean(compressed)});
  }
  if (!found.length) return null;
  return {...found[0], count: found.length};
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A small solid-colour RGB PNG (for the self-test server). */
export function makePng(width = 64, height = 64, rgb = [0x2a, 0x7a, 0xd6]) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({length: height}, () => row));
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Inserts an iTXt chunk (uncompressed unless asked) before IEND (for the self-test server). */
export function bakePng(png, keyword, text, {compressed = false} = {}) {
  const chunks = pngChunks(png);
  const body = Buffer.from(text, 'utf8');
  const itxt = Buffer.concat([
    Buffer.from(keyword, 'latin1'), Buffer.from([0, compressed ? 1 : 0, 0]), // NUL, flag, method 0
    Buffer.from([0]), // empty language tag
    Buffer.from([0]), // empty translated keyword
    compressed ? zlib.deflateSync(body) : body,
  ]);
  const out = [PNG_SIGNATURE];
  for (const c of chunks) {
    if (c.type === 'IEND') out.push(chunk('iTXt', itxt));
    out.push(chunk(c.type, c.data));
  }
  return Buffer.concat(out);
}

function decodeXmlText(s) {
  return s
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&amp;/g, '&');
}

/**
 * OB 3.0 SVG: returns {text, namespace, prefixDeclared, cdata} for the first
 * <PREFIX:credential> whose PREFIX is bound to the OB 3.0 namespace, or null.
 */
export function unbakeSvg(svgText, {namespace = OB3_SVG_NS, element = 'credential'} = {}) {
  const svg = String(svgText);
  // Find the prefix bound to the namespace (normally "openbadges").
  const nsDecl = [...svg.matchAll(/xmlns:([A-Za-z_][\w.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)]
    .find(m => (m[3] ?? m[4]) === namespace);
  const prefix = nsDecl ? nsDecl[1] : null;
  if (!prefix) return null;
  const open = new RegExp(`<${prefix}:${element}(\\s[^>]*)?>`);
  const m = open.exec(svg);
  if (!m) return null;
  const attrs = m[1] || '';
  const close = `</${prefix}:${element}>`;
  const end = svg.indexOf(close, m.index + m[0].length);
  if (end < 0) throw new Error(`<${prefix}:${element}> is not closed`);
  const inner = svg.slice(m.index + m[0].length, end);
  let text = '';
  let cdata = false;
  // Concatenate CDATA sections and (decoded) text, as an XML parser would.
  const re = /<!\[CDATA\[([\s\S]*?)\]\]>/g;
  let last = 0;
  let mm;
  while ((mm = re.exec(inner))) {
    text += decodeXmlText(inner.slice(last, mm.index));
    text += mm[1];
    cdata = true;
    last = mm.index + mm[0].length;
  }
  text += decodeXmlText(inner.slice(last));
  const verify = /\sverify\s*=\s*("([^"]*)"|'([^']*)')/.exec(attrs);
  return {
    text: text.trim(),
    prefix,
    cdata,
    verify: verify ? decodeXmlText(verify[2] ?? verify[3]) : null,
  };
}

/** A baked OB 3.0 SVG (for the self-test server). */
export function bakeSvg(credentialJson, {title = 'badge', cdata = true} = {}) {
  const body = cdata
    ? `<![CDATA[${credentialJson.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`
    : credentialJson.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="${OB3_SVG_NS}" width="64" height="64" viewBox="0 0 64 64">
  <openbadges:credential>${body}</openbadges:credential>
  <title>${title.replace(/[<&]/g, c => (c === '<' ? '&lt;' : '&amp;'))}</title>
  <circle cx="32" cy="32" r="30" fill="#2a7ad6"/>
</svg>
`;
}
