"""The Python prototype's UDP stack: a stdlib asyncio DatagramProtocol echo on 127.0.0.1:PORT, nothing tuned.
The baseline UdpBench measures beside Gateway.Udp. Loopback only; exits after SECONDS.
Usage: python3 asyncio_echo.py PORT [SECONDS=120]"""
import asyncio
import os
import sys


class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(data, addr)


async def main(port, seconds):
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(Echo, local_addr=("127.0.0.1", port))
    print(f"asyncio-echo pid {os.getpid()} on 127.0.0.1:{port} for {seconds} s", flush=True)
    try:
        await asyncio.sleep(seconds)
    finally:
        transport.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 120))
