tree-which-symptom = Was davon beobachten Sie?
tree-did-it-fix = Hat das Problem damit aufgehört?
tree-yes = Ja, behoben
tree-no = Nein, besteht weiter
tree-resolved = Schön, dass es behoben ist!
tree-escalate = Keine der Lösungen hat geholfen. Nächste Schritte und verwandte Artikel:
tree-symptom = Ihre Beobachtung
tree-fixed-by = Behoben durch
tree-next-steps = Nächste Schritte
tree-cause = Mögliche Ursache
tree-solution = Probieren Sie diese Lösung
tree-check-cause = Prüfen Sie diese Ursache
tree-reference = Aus { $article }
tree-not-translated = Nicht in Ihre Sprache übersetzt; angezeigt auf { $language }.
tree-unresolved = Hier nicht verfügbar: { $target }
tree-related = Verwandte Artikel
tree-no-match = Keine Symptome passen zu „{ $query }“.
tree-back = Zurück
tree-prompt = Nummer eingeben, b für zurück, q zum Beenden
tree-steps = { $count ->
    [one] { $count } Schritt bisher
   *[other] { $count } Schritte bisher
}
