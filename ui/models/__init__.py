"""Qt item models of the app: tables over plain row objects, and the proxies that filter them."""
