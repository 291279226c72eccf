"""One module per notebook (nb00.py, nb01.py, ...), each with a list EXERCISES."""
