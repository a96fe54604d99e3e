/**
 * Hosts many organisations share: social networks, link pages and site builders, where a
 * company's "website" is a page or a subdomain of someone else's site. A domain match on one
 * would pair unrelated companies (every Facebook page is `facebook.com`) and overwrite one
 * company with another's values, so such a host never pairs by domain. Hand-kept: the Public
 * Suffix List names some site builders (its private section) but none of the social networks,
 * and a wrong pairing costs more than a missed one (the record is then created, or paired by name).
 */
const SHARED = [
  'facebook.com',
  'fb.com',
  'instagram.com',
  'linkedin.com',
  'twitter.com',
  'x.com',
  'youtube.com',
  'tiktok.com',
  'pinterest.com',
  'medium.com',
  'linktr.ee',
  'google.com',
  'business.site',
  'wixsite.com',
  'wix.com',
  'squarespace.com',
  'wordpress.com',
  'blogspot.com',
  'weebly.com',
  'webflow.io',
  'github.io',
  'jimdosite.com',
];

/** Whether `host` (lower case, no `www.`) is one of the shared hosts or below one. */
export function isSharedHost(host: string): boolean {
  return SHARED.some((shared) => host === shared || host.endsWith(`.${shared}`));
}
