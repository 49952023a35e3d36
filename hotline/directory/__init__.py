"""The parties and places every other app reads: customers, their sites, equipment and service
agreements; regions, zones and the service providers. At the bottom of the apps: it imports none
of tickets, dispatch, calls or anything above them (only accounts, for the acting user's role)."""
