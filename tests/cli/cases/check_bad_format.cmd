check --diagnostics=xml x.norma
