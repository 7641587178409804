/**
 * Helpers shared by the call panel and the setup page.
 */

/** Fills {0}, {1}… in a Custom Label, the way Salesforce's own format helpers do. */
export function formatLabel(label, ...values) {
    return String(label).replace(/\{(\d+)\}/g, (placeholder, index) =>
        values[index] === undefined || values[index] === null ? placeholder : String(values[index])
    );
}

/**
 * The URL when it is an absolute https link, otherwise undefined. The server already drops
 * anything else; checking again here means no other caller of the component can put a
 * javascript: or http: URL into an href.
 */
export function httpsOnly(value) {
    if (typeof value !== 'string' || value.trim() === '') {
        return undefined;
    }
    try {
        const url = new URL(value.trim());
        return url.protocol === 'https:' && url.hostname ? url.href : undefined;
    } catch (error) {
        return undefined;
    }
}

/** The message of an Apex or wire error, whatever shape the platform gave it. */
export function errorMessage(error, fallback) {
    const body = error && error.body;
    if (Array.isArray(body)) {
        return body.map((entry) => entry.message).join(', ');
    }
    return (body && body.message) || (error && error.message) || fallback;
}
