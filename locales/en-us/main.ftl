# UI strings for the portal (Project Fluent). The full set, in six locales,
# comes with the portal; this file pins the format and the fallback locale.
app-name = tshoot
not-translated = Not translated into your language; shown in { $language }.
