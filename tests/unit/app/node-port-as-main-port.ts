import { EventEmitter } from 'node:events';
import { MessagePort as NodeMessagePort } from 'node:worker_threads';
import type { MainMessagePort } from '../../../main/app/message-port-shim.js';

/**
 * One end of a real worker_threads channel behaving like Electron's MessagePortMain: 'message'
 * events carry `{ data, ports }`, messages wait until start(), and only ports may be transferred.
 */
export class NodePortAsMainPort extends EventEmitter implements MainMessagePort {
  constructor(private readonly port: NodeMessagePort) {
    super();
    port.addEventListener('message', (event) => this.emit('message', { data: (event as MessageEvent).data, ports: [] }));
    port.on('close', () => this.emit('close'));
  }

  postMessage(message: unknown, transfer?: unknown[]): void {
    if (transfer?.some((item) => !(item instanceof NodeMessagePort))) throw new TypeError('MessagePortMain.postMessage: transfer must hold MessagePortMain objects');
    this.port.postMessage(message);
  }

  start(): void {
    this.port.start();
  }

  close(): void {
    this.port.close();
  }
}
