"""The public JSON API (``/api/v1/``, and AO3's ``/api/v2/works/urls``), and the tokens
members make for it. Every endpoint reads and writes through the site's own access
functions and actions: the API adds a way in, never a rule of its own."""
