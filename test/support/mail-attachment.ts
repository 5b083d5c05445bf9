/** The first attachment of a raw MIME message (as nodemailer writes it): its file name and bytes. */
export function mailAttachment(raw: string): { filename: string; content: Buffer } | undefined {
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw)?.[1];
  if (boundary === undefined) return undefined;
  for (const part of raw.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
    if (!/Content-Disposition: attachment/i.test(headers)) continue;
    const filename = /filename="?([^";\r\n]+)"?/i.exec(headers)?.[1] ?? '';
    const body = part.slice(split + 4);
    const content = /Content-Transfer-Encoding: base64/i.test(headers)
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
      : Buffer.from(body.replace(/\r\n$/, ''), 'utf8');
    return { filename, content };
  }
  return undefined;
}
