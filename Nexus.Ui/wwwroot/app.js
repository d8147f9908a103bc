// The few things a server-rendered page needs the browser for.
window.nexus = {
    copy: async (text) => { await navigator.clipboard.writeText(text); return true; },
    ready: () => document.body.setAttribute('data-interactive', 'true'),
    scrollToEnd: (element) => { if (element) element.scrollTop = element.scrollHeight; },
};
