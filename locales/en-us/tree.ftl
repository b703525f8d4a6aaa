# The troubleshooter (decision tree).
tree-which-symptom = Which of these do you see?
tree-did-it-fix = Did this fix it?
tree-yes = Yes, it's fixed
tree-no = No, still broken
tree-resolved = Glad it's fixed!
tree-escalate = None of the solutions fixed it. Next steps and related articles:
tree-symptom = What you see
tree-fixed-by = Fixed by
tree-next-steps = Next steps
tree-cause = Possible cause
tree-solution = Try this solution
tree-check-cause = Check this cause
tree-reference = From { $article }
tree-not-translated = Not translated into your language; shown in { $language }.
tree-unresolved = Not available here: { $target }
tree-related = Related articles
tree-no-match = No symptoms match “{ $query }”.
tree-back = Back
tree-prompt = Enter a number, b to go back, q to quit
tree-steps = { $count ->
    [one] { $count } step so far
   *[other] { $count } steps so far
}
