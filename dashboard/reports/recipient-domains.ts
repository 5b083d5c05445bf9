import type { ValidationIssue } from '../../lib/validation/issues.js';

/**
 * The recipients whose domain is not one of `allowed` (each also covering its subdomains), as
 * issues naming `recipients[i]`. Company data leaves by mail: the appliance's config says where it
 * may go. Empty `allowed`: any domain. No DNS lookup: an appliance often has no public DNS, and a
 * domain that resolves says nothing of the mailbox; the SMTP server's own refusal is recorded in
 * the report's run history.
 */
export function unknownRecipientDomains(
  recipients: readonly string[],
  allowed: readonly string[],
): ValidationIssue[] {
  if (allowed.length === 0) return [];
  const domains = allowed.map((domain) => domain.toLowerCase());
  return recipients.flatMap((address, index) => {
    const domain = (address.split('@')[1] ?? '').toLowerCase();
    const known = domains.some(
      (allowedDomain) => domain === allowedDomain || domain.endsWith(`.${allowedDomain}`),
    );
    return known
      ? []
      : [
          {
            path: `recipients[${index}]`,
            message: `unknown recipient domain ${domain}: reports may go to ${domains.join(', ')}`,
          },
        ];
  });
}
