// Stand-in for `@salesforce/apex/Class.method` in the browser rendering: each method answers
// with the scenario's fixture (window.__apex[name] = { data } or { error }). Called with `new`
// it is a wire adapter (as @wire uses it), called plainly it is an imperative Apex call.
export function apexMethod(name) {
    const answer = () => (window.__apex && window.__apex[name]) || { data: undefined };
    function method(params) {
        if (new.target) {
            const emit = params;
            return {
                connect() {},
                disconnect() {},
                update() {
                    const { data, error } = answer();
                    emit({ data, error });
                }
            };
        }
        const { data, error } = answer();
        return error ? Promise.reject(error) : Promise.resolve(data);
    }
    return method;
}

export function refreshApex() {
    return Promise.resolve();
}
