// Where the card reads calls from: the relay's public URL. hubspot.fetch only reaches origins
// listed in the app's permittedUrls.fetch (app-hsmeta.json), so change both together before
// `hs project upload`; the project test fails when they disagree.
export const RELAY_URL = 'https://relay.example.com';
