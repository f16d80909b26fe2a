"""E-mail: one mailer per transport behind the Mailer protocol, and iMIP invitation building."""
