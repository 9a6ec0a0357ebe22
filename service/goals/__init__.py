"""Purpose and goals: hold what members raise against what the program set out to do."""
