// Setting up rooms and users for a test through the JSON API, from a staff member's
// page (its session cookie and CSRF token), which is quicker than the admin forms the
// walkthrough already covers.

'use strict';

/** Calls the API from `page` (a page of the server, logged in as staff); resolves to the JSON. */
async function callApi(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const token = document.querySelector('meta[name="csrf-token"]').content;
    const response = await fetch(p, {
      method: m,
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
      body: b === undefined ? undefined : JSON.stringify(b),
    });
    if (!response.ok)
      throw new Error(`${m} ${p}: HTTP ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  }, [method, path, body]);
}

/** Creates rooms [[title, staffOnly], ...]; resolves to {title: id string}. */
async function createRooms(page, rooms) {
  const ids = {};
  for (const [title, staffOnly] of rooms) {
    const room = await callApi(page, 'POST', '/api/rooms', {title, staff_only: staffOnly});
    ids[title] = String(room.id);
  }
  return ids;
}

async function createUser(page, username, password, {isStaff = false} = {}) {
  return callApi(page, 'POST', '/api/users', {
    username,
    name: username[0].toUpperCase() + username.slice(1),
    password,
    is_staff: isStaff,
    is_active: true,
  });
}

module.exports = {
  callApi,
  createRooms,
  createUser
};
