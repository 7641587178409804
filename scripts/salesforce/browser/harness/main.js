// Mounts one of the package's components on the harness page, as window.__scenario says.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import AiCallPanel from 'c/aiCallPanel';
import AiCallSyncSetup from 'c/aiCallSyncSetup';

const components = {
    'c-ai-call-panel': AiCallPanel,
    'c-ai-call-sync-setup': AiCallSyncSetup
};

const { tag, props } = window.__scenario;
const element = createElement(tag, { is: components[tag] });
Object.assign(element, props || {});
document.querySelector('#slot').appendChild(element);
