portal-name = Felsökning
portal-skip = Hoppa till innehållet
portal-search-label = Sök i kunskapsbasen
portal-search-placeholder = Beskriv problemet eller klistra in en felkod
portal-search-button = Sök
portal-language = Språk
portal-home-title = Hur kan vi hjälpa till?
portal-home-intro = Sök efter en felkod eller beskriv vad du ser, eller låt felsökaren guida dig steg för steg.
portal-troubleshoot = Felsökare
portal-guided = Guidad felsökning
portal-services = Tjänster
portal-error-codes = Vanliga felkoder
portal-articles = Alla artiklar
portal-filters = Filter
portal-more = Fler resultat
portal-machine-translation = Maskinöversättning
portal-troubleshoot-this = Felsök det här problemet
portal-leads-to = Möjliga orsaker:
portal-fixed-by = Lösningar:
portal-steps = Dina svar hittills
portal-describe = Beskriv vad du ser
portal-home-link = Tillbaka till startsidan
portal-results = { $count ->
    [one] { $count } resultat
   *[other] { $count } resultat
}
portal-no-results = Inga resultat för ”{ $query }”.
portal-not-found-title = Sidan hittades inte
portal-not-found = Det finns ingen sida på den här adressen.
portal-outdated = Den här översättningen gjordes från en äldre version av artikeln; originalet kan ha ändrats.
portal-newer = Den här översättningen är nyare än originalet som läses in här.
portal-search-title = Sökresultat
portal-facet-kind = Typ
portal-facet-service = Tjänst
portal-facet-code = Felkod
portal-facet-locale = Språk
portal-did-you-mean = Menade du:
