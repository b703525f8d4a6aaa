tree-which-symptom = Vilket av detta ser du?
tree-did-it-fix = Löste det problemet?
tree-yes = Ja, det är löst
tree-no = Nej, problemet finns kvar
tree-resolved = Skönt att det är löst!
tree-escalate = Ingen av lösningarna hjälpte. Nästa steg och relaterade artiklar:
tree-symptom = Det du ser
tree-fixed-by = Löst av
tree-next-steps = Nästa steg
tree-cause = Möjlig orsak
tree-solution = Prova den här lösningen
tree-check-cause = Kontrollera den här orsaken
tree-reference = Från { $article }
tree-not-translated = Inte översatt till ditt språk; visas på { $language }.
tree-unresolved = Inte tillgänglig här: { $target }
tree-related = Relaterade artiklar
tree-no-match = Inga symptom matchar ”{ $query }”.
tree-back = Tillbaka
tree-prompt = Ange en siffra, b för tillbaka, q för att avsluta
tree-steps = { $count ->
    [one] { $count } steg hittills
   *[other] { $count } steg hittills
}
