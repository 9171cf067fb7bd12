// Why this page's chat WebSocket is refused, in words a person can act on. A browser
// cannot read the HTTP status of a failed WebSocket, so after a connect that failed the
// page asks the server (GET /chat/origin/) whether it accepts pages of this origin: the
// usual cause is opening the site by another name than the one the server was set up
// for (127.0.0.1 or the host's address instead of localhost).

/**
 * @return {Promise<?string>} the explanation, or null when the origin is accepted (or
 *     the server could not be asked: then the failure is something else).
 */
export async function originRefusal(location = window.location) {
  let answer;
  try {
    const response = await fetch(
        `/chat/origin/?origin=${encodeURIComponent(location.origin)}`,
        {credentials: 'same-origin', headers: {Accept: 'application/json'}});
    if (!response.ok) return null;
    answer = await response.json();
  } catch (err) {
    return null;
  }
  if (!answer || answer.allowed !== false) return null;
  const here = `This server does not accept this address (Origin ${location.origin}).`;
  const fix = `ask the operator to add ${location.host} to allowed_hosts.`;
  return answer.open_as ? `${here} Open it as ${answer.open_as} or ${fix}` :
                          `${here} Open it by the name the server was set up for, or ${fix}`;
}
