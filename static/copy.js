// Copy buttons of an award page: each copies the text of the field it names. Without scripts
// the buttons stay hidden and the fields are still there to select and copy by hand.
for (const button of document.querySelectorAll('[data-copy]')) {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = button.dataset.copied;
    } catch {
      field.select();
    }
  });
}
