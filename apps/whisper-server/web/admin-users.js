// The admin's Users card: list, create with a password, toggle staff/active,
// reset a password, delete. Errors from the API (409 for a taken username, ...)
// are shown in words above the table.

import {api} from './api.js';
import {clear, el, showFeedback} from './dom.js';

const $ = (id) => document.getElementById(id);

// Thread safety: page-thread only; one object per admin page.
export class UsersAdmin {
  constructor() {
    this.feedback = $('users-feedback');
    $('create-user-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.create();
    });
  }

  async load() {
    try {
      this.render(await api('GET', '/api/users'));
    } catch (err) {
      showFeedback(this.feedback, 'error', `Could not load the users: ${err.message}`);
    }
  }

  async create() {
    const user = {
      username: $('new-user-username').value.trim(),
      name: $('new-user-name').value.trim(),
      password: $('new-user-password').value,
      is_staff: $('new-user-staff').checked,
      is_active: $('new-user-active').checked,
    };
    if (user.username === '' || user.password === '') {
      return showFeedback(this.feedback, 'error', 'A new user needs a username and a password.');
    }
    const ok = await this.run(
        () => api('POST', '/api/users', user),
        (created) => `Created user “${created.username}”${created.is_staff ? ' (staff)' : ''}.`,
        (err) =>
            err.status === 409 ? `The username “${user.username}” is already taken.` : err.message);
    if (ok) $('create-user-form').reset();
  }

  /** Runs one API change, reports it in words, reloads the list; true when it worked. */
  // The table is reloaded before the outcome is shown, so what the sentence says is
  // already on screen when it appears.
  async run(call, describe, describeError = (err) => err.message) {
    let outcome;
    try {
      outcome = ['ok', describe(await call())];
    } catch (err) {
      outcome = ['error', describeError(err)];
    }
    await this.load();
    showFeedback(this.feedback, ...outcome);
    return outcome[0] === 'ok';
  }

  render(users) {
    const body = $('users-body');
    clear(body);
    for (const user of users) body.append(this.row(user));
  }

  toggle(user, field, label) {
    return el('input', {
      type: 'checkbox',
      checked: user[field],
      'aria-label': `${label}: ${user.username}`,
      on: {
        change: (event) => {
          const value = event.target.checked;
          this.run(
              () => api('PATCH', `/api/users/${user.id}`, {[field]: value}),
              () => `${user.username} is ${value ? '' : 'no longer '}${label.toLowerCase()}.`);
        }
      }
    });
  }

  row(user) {
    const password = el('input', {
      type: 'password',
      autocomplete: 'new-password',
      placeholder: 'New password',
      'aria-label': `New password for ${user.username}`
    });
    const resetPassword = () => {
      if (password.value === '')
        return showFeedback(this.feedback, 'error', 'Type the new password first.');
      this.run(
          () => api('PATCH', `/api/users/${user.id}`, {password: password.value}),
          () => `Set a new password for ${user.username}.`);
    };
    return el(
        'tr', {dataset: {userId: String(user.id)}},
        el('td', {}, el('strong', {text: user.username})), el('td', {text: user.name || '—'}),
        el('td', {}, this.toggle(user, 'is_staff', 'Staff')),
        el('td', {}, this.toggle(user, 'is_active', 'Active')),
        el('td', {}, el('div', {class: 'row-actions'}, password, el('button', {
                          type: 'button',
                          text: 'Set password',
                          'aria-label': `Set password for ${user.username}`,
                          on: {click: resetPassword}
                        }))),
        el('td', {}, el('button', {
             type: 'button',
             class: 'danger',
             text: 'Delete',
             'aria-label': `Delete user ${user.username}`,
             on: {
               click: () => {
                 if (!window.confirm(`Delete the user “${user.username}”?`)) return;
                 this.run(
                     () => api('DELETE', `/api/users/${user.id}`),
                     () => `Deleted user “${user.username}”.`);
               }
             }
           })));
  }
}
