check --frob x.norma
