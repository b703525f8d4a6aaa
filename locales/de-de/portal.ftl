portal-name = Problembehandlung
portal-skip = Zum Inhalt springen
portal-search-label = Wissensdatenbank durchsuchen
portal-search-placeholder = Problem beschreiben oder Fehlercode einfügen
portal-search-button = Suchen
portal-language = Sprache
portal-home-title = Wie können wir helfen?
portal-home-intro = Suchen Sie nach einem Fehlercode oder beschreiben Sie, was Sie sehen, oder lassen Sie sich Schritt für Schritt führen.
portal-troubleshoot = Problembehandlung starten
portal-guided = Geführte Problembehandlung
portal-services = Dienste
portal-error-codes = Häufige Fehlercodes
portal-articles = Alle Artikel
portal-filters = Filter
portal-more = Weitere Ergebnisse
portal-machine-translation = Maschinelle Übersetzung
portal-troubleshoot-this = Dieses Problem beheben
portal-leads-to = Mögliche Ursachen:
portal-fixed-by = Lösungen:
portal-steps = Ihre bisherigen Antworten
portal-describe = Beschreiben Sie, was Sie sehen
portal-home-link = Zurück zur Startseite
portal-results = { $count ->
    [one] { $count } Ergebnis
   *[other] { $count } Ergebnisse
}
portal-no-results = Keine Ergebnisse für „{ $query }“.
portal-not-found-title = Seite nicht gefunden
portal-not-found = Unter dieser Adresse gibt es keine Seite.
portal-outdated = Diese Übersetzung beruht auf einer älteren Version des Artikels; das Original wurde möglicherweise geändert.
portal-newer = Diese Übersetzung ist neuer als das hier geladene Original.
portal-search-title = Suchergebnisse
portal-facet-kind = Typ
portal-facet-service = Dienst
portal-facet-code = Fehlercode
portal-facet-locale = Sprache
portal-did-you-mean = Meinten Sie:
