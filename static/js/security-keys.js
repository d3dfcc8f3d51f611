// A security key that gives no answer (cancelled, timed out, refused by the browser) leaves
// allauth's script nothing to post; it announces an "allauth.error" event. Say so on the page.
document.addEventListener('allauth.error', function (event) {
  const note = document.getElementById('security-key-no-answer')
  if (note) {
    event.preventDefault()
    note.hidden = false
  }
})
