// Small DOM helpers shared by the chat and admin pages.
//
// Every piece of text that reaches the page goes through a text node (el() turns
// string children into text nodes, never HTML), so user data such as
// `<img src=x onerror=...>` is shown as the characters it is. Nothing here uses
// innerHTML.

/**
 * Creates an element. `attrs` keys: `class`, `text`, `dataset` (object), `on`
 * (object of event listeners), `hidden`, `disabled`, `checked`, any other key is set
 * as an attribute. Children may be nodes, strings (become text nodes) or null.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class')
      node.className = value;
    else if (key === 'text')
      node.textContent = value;
    else if (key === 'dataset')
      Object.assign(node.dataset, value);
    else if (key === 'on') {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else if (key === 'hidden' || key === 'disabled' || key === 'checked')
      node[key] = Boolean(value);
    else if (key === 'value')
      node.value = value;
    else
      node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, ...children);
  return node;
}

/** Appends children (nodes or strings as text) to `node`; nulls are skipped. */
export function append(node, ...children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Removes every child of `node`. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/**
 * The page identity the server substituted into the head: CSRF token, username and
 * staff flag. Reading them from meta tags keeps them out of inline scripts (CSP).
 */
export function pageIdentity() {
  const csrf = document.querySelector('meta[name="csrf-token"]');
  const user = document.querySelector('meta[name="whisper-user"]');
  return {
    csrfToken: csrf ? csrf.content : '',
    username: user ? user.content : '',
    isStaff: user ? user.dataset.staff === 'true' : false,
  };
}

/** "14:05" in the viewer's locale, for message timestamps. */
export function clockTime(date = new Date()) {
  return date.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
}

/** Shows a success ('ok') or failure ('error') sentence in a feedback paragraph. */
export function showFeedback(node, kind, text) {
  node.dataset.kind = kind;
  node.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  node.textContent = text;
  node.hidden = false;
}
