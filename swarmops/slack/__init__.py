"""The Slack front end (`swarmops slack`): the swarm in a team's Slack, through the session API.

bot.py wires slack-bolt (Socket Mode or HTTP) to the session; turn.py shows one turn's events in a
Slack thread; blocks.py builds the Block Kit messages; access.py decides who may talk to the bot;
pictures.py turns a result's charts into PNGs and long lists into CSV files.
"""
